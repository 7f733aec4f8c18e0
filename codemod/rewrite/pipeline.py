"""Fix one source text: findings -> plan -> edits -> imports and helpers -> verified new text.

A result is returned only when it parses, `check` finds nothing more to rewrite in it, and a
second run would leave it as it is; otherwise the text comes back unchanged with an error.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import libcst as cst

from codemod.analysis import (
    NESTING_TOO_DEEP,
    AnalysisError,
    analyze,
    may_contain_producer,
    parse,
    source_lines,
)
from codemod.analysis import names as keras_names
from codemod.analysis.findings import Code, Finding
from codemod.rewrite import imports
from codemod.rewrite.auto import EDITED_REASON, NOT_MASKS, UPGRADE_REASON
from codemod.rewrite.edits import (
    Edit,
    MaskingToLambda,
    SwapClass,
    helpers_keras_2,
    helpers_used,
)
from codemod.rewrite.helper_source import (
    HELPER_IMPORTS,
    builtins_used,
    helper_closure,
    helper_source,
    keras_2_helper_source,
)
from codemod.rewrite.imports import Binding
from codemod.rewrite.other_files import ONE_FILE, OtherFiles
from codemod.rewrite.plan import Change, plan
from codemod.rewrite.strategies import MANUAL, UPGRADE
from codemod.rewrite.strategies.mask_aware import chosen_at_run_time
from codemod.rewrite.style import DEFAULT_STYLE, CodeStyle, with_quotes
from codemod.rewrite.syntax import SourceIndex
from codemod.rewrite.transform import EditError, apply_edits
from codemod.rewrite.upgrade import upgrade_helpers

if TYPE_CHECKING:
    from codemod.analysis.project import ProjectImports
    from codemod.target import KerasTarget


class Cells(Protocol):
    """A notebook's virtual source as the rewrite sees it (engine/notebook_cells.VirtualSource)."""

    def locate(self, line: int) -> tuple[int, int]: ...

    def start_of_cell(self, cell: int | None) -> str | None:
        """The comment line just before the cell's first line, None for the first code cell."""


class FixError(Exception):
    """The file cannot be fixed safely; the message is one line for the user."""


@dataclass
class FixResult:
    text: str  # the new text; the old one when nothing changed
    findings: list[Finding] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def rewrites(self) -> list[Change]:
        return [change for change in self.changes if change.summary is not None]

    @property
    def elsewhere(self) -> dict[str, list[Edit]]:
        """The edits this file's rewrites need in other files (absolute path -> edits), which the
        run makes when it rewrites those files (`requested` there)."""
        edits: dict[str, list[Edit]] = {}
        for change in self.rewrites:
            for path, edit in change.elsewhere:
                if edit not in edits.setdefault(path, []):
                    edits[path].append(edit)
        return edits


def fix_text(
    text: str,
    strategy: str = "auto",
    helpers_module: str | None = None,
    wanted: Callable[[Code], bool] | None = None,
    cells: Cells | None = None,
    target: KerasTarget | None = None,
    style: CodeStyle = DEFAULT_STYLE,
    imports: ProjectImports | None = None,
    others: OtherFiles = ONE_FILE,
    requested: Sequence[Edit] = (),
) -> FixResult:
    """Rewrite `text` with `strategy`; `wanted` picks rule codes to fix (--select), default all.
    For a notebook's virtual source, `cells` names where lines and cells are. `target` is the
    Keras the code runs on (default: the newest release), for both analyses. `style` is how the
    project formats code (line length, quotes), so what fix writes passes its formatter.
    `imports` lets the analysis follow the project's own modules (analysis/project.py). Only
    this file is rewritten here: a rewrite that needs edits in one of `others` (the files the
    run fixes too) carries them (`FixResult.elsewhere`), and the run passes them on as that
    file's `requested` edits, made along with its own.

    Raises AnalysisError when the text cannot be parsed and FixError when the rewrite cannot be
    made safely.
    """
    if (
        not requested
        and not may_contain_producer(text)
        and not (imports and imports.imports_producer(text))
    ):
        return FixResult(text)
    locate = cells.locate if cells else None
    tree = parse(text, locate)  # once, for the analysis and the rewrite
    findings = analyze(text, target, locate=locate, tree=tree, imports=imports)
    chosen = [f for f in findings if wanted is None or wanted(f.code)]
    if not chosen and not requested:
        return FixResult(text, findings)
    try:
        upgraded, upgrades = _upgrade(text, tree, chosen, cells is not None, style)
        if upgraded != text and requested:
            raise FixError(
                "it holds helpers of an older keras-mask-codemod, and another file's rewrite"
                " needs a change here; run fix on it alone first"
            )
        if upgraded != text:
            tree = parse(upgraded, locate)
            again = analyze(upgraded, target, locate=locate, tree=tree, imports=imports)
            chosen = [f for f in again if wanted is None or wanted(f.code)]
        masks = [f for f in chosen if f.code is not Code.OUTDATED_HELPERS]
        new_text, changes = upgraded, []
        if masks or requested:
            new_text, changes = _rewrite(
                upgraded, tree, masks, strategy, helpers_module, cells, style, others, requested
            )
        if new_text != text:
            _verify(new_text, strategy, wanted, target, imports, others)
    except RecursionError:  # libcst visits and prints its tree recursively
        raise FixError(NESTING_TOO_DEEP) from None
    return FixResult(new_text, findings, [*upgrades, *changes])


def _upgrade(
    text: str, tree: ast.Module, findings: list[Finding], notebook: bool, style: CodeStyle
) -> tuple[str, list[Change]]:
    """KMC401: the text with old unedited helpers replaced, and what happened to each block."""
    outdated = [f for f in findings if f.code is Code.OUTDATED_HELPERS]
    if not outdated:
        return text, []
    changes = []
    for finding in outdated:
        if finding.edited:
            changes.append(Change(finding, MANUAL, None, EDITED_REASON))
        elif notebook:  # cells would move; the notebook's cell map holds the old line numbers
            changes.append(Change(finding, MANUAL, None, "in a notebook: replace them by hand"))
        else:
            summary = f"{finding.destroyer.name} -> v{keras_names.HELPERS_VERSION}"
            changes.append(Change(finding, UPGRADE, summary, UPGRADE_REASON))
    if notebook or all(change.summary is None for change in changes):
        return text, changes
    return upgrade_helpers(text, tree, source_lines(text), style.quote), changes


def _rewrite(
    text: str,
    tree: ast.Module,
    findings: list[Finding],
    strategy: str,
    helpers_module: str | None,
    cells: Cells | None,
    style: CodeStyle = DEFAULT_STYLE,
    others: OtherFiles = ONE_FILE,
    requested: Sequence[Edit] = (),
) -> tuple[str, list[Change]]:
    try:
        index = SourceIndex(text, tree)
    except cst.ParserSyntaxError as error:
        raise FixError(
            "valid Python that libcst, which makes the rewrite, cannot parse (its limits are"
            f" lower, e.g. on thousands of adjacent strings): {_first_line(error)}"
        ) from None
    changes, edits = plan(findings, strategy, index, others)
    edits = list(dict.fromkeys([*edits, *_requested(requested, index)]))
    if not edits:
        return text, changes
    try:
        module = apply_edits(index, edits, "Lambda", style)
    except EditError as error:
        raise FixError(str(error)) from None
    names = _FileNames(tree, text, helpers_module, cells)
    module = _bind_lambda(module, index, edits, names)
    anchor = cells.start_of_cell(_first_rewrite_cell(changes)) if cells else None
    module, helper_text = _add_helpers(
        module, edits, helpers_module, names, anchor, style.line_length
    )
    helper_text = with_quotes(helper_text, style.quote)
    names.check_star_imports_come_first(module)
    new_text = module.code
    after = imports.name_counts(new_text) + imports.helper_name_counts(helper_text)
    pruned = imports.remove_unused(module, imports.names_in(tree), after)
    new_text = new_text if pruned is module else pruned.code
    if helper_text:
        new_text = imports.fill_helpers(
            new_text, helper_text, module.default_newline, module.default_indent
        )
    return new_text, changes


def _requested(requested: Sequence[Edit], index: SourceIndex) -> list[Edit]:
    """The edits other files' rewrites need here, each checked as the strategy checks its own:
    the layer's class is written at its construction, so the helper can replace it."""
    for edit in requested:
        if not isinstance(edit, SwapClass):
            raise FixError(
                f"cannot make {type(edit).__name__} for another file; please report this"
            )
        chosen = chosen_at_run_time(index, edit.target, edit.helper)
        if chosen is not None:
            raise FixError(
                f"another file's rewrite needs {edit.helper} at line {edit.target.line}, but the"
                f" class there is chosen at run time ({chosen or 'a layer'})"
            )
    return list(requested)


def _bind_lambda(
    module: cst.Module, index: SourceIndex, edits: list[Edit], names: _FileNames
) -> cst.Module:
    """A bare `Masking(...)` became `Lambda(...)`: import Lambda beside Masking."""
    for edit in edits:
        if not isinstance(edit, MaskingToLambda):
            continue
        call = index.call(edit.target)
        if call is None or not isinstance(call.func, cst.Name):
            continue
        names.check(["Lambda"], _LAMBDA)
        module, done = imports.add_to_import_of(module, call.func.value, "Lambda")
        if done or imports.binds(module, "Lambda") or imports.star_import_binds(module, "Lambda"):
            continue
        raise FixError(f"cannot tell where {call.func.value} is imported from")
    return module


def _first_rewrite_cell(changes: list[Change]) -> int | None:
    return next((c.finding.cell for c in changes if c.summary is not None), None)


def _add_helpers(
    module: cst.Module,
    edits: list[Edit],
    helpers_module: str | None,
    names: _FileNames,
    anchor: str | None = None,
    line_length: int = DEFAULT_STYLE.line_length,
) -> tuple[cst.Module, str]:
    """The module importing or marking the place of the helpers it now uses, and the text of the
    definitions to put in (empty when none are needed here). Helpers the file holds already
    (ours, see `_FileNames`) are reused; a name taken by anything else refuses the file.

    Helpers for Keras 2 code are always written into the file, against the Keras module its
    layers come from: the --helpers-module holds the Keras 3 helpers.
    """
    wanted: dict[str, set[str]] = {}
    for edit in edits:
        for name in helpers_used(edit):
            wanted.setdefault(helpers_keras_2(edit), set()).add(name)
    if len(wanted) > 1:
        kinds = " and ".join(sorted(k or "Keras 3" for k in wanted))
        raise FixError(f"the rewrite needs helpers for {kinds} in one file; fix it by hand")
    if not wanted:
        return module, ""
    keras_2, used = next(iter(wanted.items()))
    if keras_2:
        closure = helper_closure(used, keras_2=True)
        present = names.check(closure, _KERAS_2_PASTED)
        names.check_builtins(builtins_used(closure, keras_2=True), _KERAS_2_PASTED)
        missing = sorted(used - present)
        if set(closure) <= present:
            return module, ""
        try:
            module, keras = imports.module_reference(module, keras_2, names.module)
        except ValueError as error:
            raise FixError(f"{error}, which the Keras 2 helpers need") from None
        helpers = keras_2_helper_source(used, keras, present)
        ours = names.ours(_KERAS_2_PASTED)
        return _insert_helpers(module, missing, anchor, present, ours), helpers
    if helpers_module is not None:
        names.check(sorted(used), _Adding.from_module(helpers_module))
        return imports.add_from_import(module, helpers_module, used, line_length), ""
    closure = helper_closure(used)
    present = names.check(closure, _PASTED)
    names.check_builtins(builtins_used(closure), _PASTED)
    names.check_keras_module()
    missing = sorted(used - present)
    if set(closure) <= present:
        return module, ""
    for name in HELPER_IMPORTS:
        module = imports.ensure_import(module, name)
    ours = names.ours(_PASTED)
    return _insert_helpers(module, missing, anchor, present, ours), helper_source(used, present)


def _insert_helpers(
    module: cst.Module, missing: list[str], anchor: str | None, present: set[str], ours: set[str]
) -> cst.Module:
    """Mark the place of the helpers to paste: after the block of those the file holds, which
    they may need as they are defined (a base class)."""
    try:
        return imports.insert_helpers(module, missing, anchor, after=present, ours=ours)
    except ValueError:
        raise FixError(
            "the keras-mask-codemod helpers the file holds come after the first top-level use"
            " of the ones the rewrite adds; move them up, before that use"
        ) from None


# Names the rewrite adds ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Adding:
    """What binds the names the rewrite adds at module level, and what already holds them."""

    what: str  # "the pasted helpers": what needs the names
    need: str = "need"  # the verb, agreeing with `what`
    pastes: bool = False  # the definitions are pasted into the file
    template: str = ""  # a definition of ours cut from this template holds the name
    helpers_module: str = ""  # an import from this module holds the name
    keras_class: str = ""  # an import of this Keras class holds its name
    helpers_module_advice: bool = False  # --helpers-module avoids clashes of private names

    @staticmethod
    def from_module(module: str) -> _Adding:
        return _Adding(
            f"the helpers imported from {module}",
            template=keras_names.KERAS_3_TEMPLATE,
            helpers_module=module,
        )

    def reuses(self, binding: Binding, block: keras_names.BlockDefinition | None) -> bool:
        """Whether an existing binding holds the very thing the rewrite would add."""
        if binding.kind == "def":
            return (
                block is not None
                and block.ours
                and bool(self.template)
                and block.template.file == self.template
            )
        if binding.kind != "from":
            return False
        if self.helpers_module:
            return binding.path == f"{self.helpers_module}.{binding.name}"
        if self.keras_class:
            resolved = keras_names.classify(binding.path, frozenset({self.keras_class}))
            return resolved.kind is keras_names.Kind.LAYER and resolved.name == self.keras_class
        return False

    def advice(self, binding: Binding) -> str:
        """What the user can do about a binding that takes a name the rewrite adds."""
        if not self.helpers_module_advice:
            return "rename it"
        if binding.kind == "from":
            source = binding.path.rpartition(".")[0]
            return (
                f"rename it, or use --helpers-module {source} if that module holds"
                " keras-mask-codemod's helpers"
            )
        if binding.name.startswith("_"):  # only public helpers are imported from the module
            return "rename it or use --helpers-module"
        return "rename it"


_PASTED = _Adding(
    "the pasted helpers",
    pastes=True,
    template=keras_names.KERAS_3_TEMPLATE,
    helpers_module_advice=True,
)
_KERAS_2_PASTED = _Adding(
    "the pasted Keras 2 helpers", pastes=True, template=keras_names.KERAS_2_TEMPLATE
)
_LAMBDA = _Adding("the rewrite of Masking into Lambda", need="needs", keras_class="Lambda")


class _FileNames:
    """The names the file binds at module level, read from its syntax tree (before the rewrite)
    when the rewrite first adds a name, for the check that each name it adds is free or holds
    that very thing already: a helper of ours, pasted by this version (`names.helper_blocks`),
    or imported from the --helpers-module; Keras's own Lambda.

    A `from M import *` of a module the codemod does not know (not Keras, not the helpers
    module) may bind any public name: it takes a public name the rewrite adds when the file
    reads that name without binding it (the reads would change meaning), or when it runs after
    the rewrite binds it (it would replace ours: `check_star_imports_come_first`). It may also
    rebind the builtins the pasted helpers call (`from numpy import *` binds max and min), so
    helpers are not pasted under it. Names starting with "_" are taken to be out of its reach,
    as they are unless the module lists them in `__all__`, which the codemod cannot see.
    """

    def __init__(
        self, tree: ast.Module, text: str, helpers_module: str | None, cells: Cells | None
    ) -> None:
        self._tree, self._text, self._cells = tree, text, cells
        self._known = (helpers_module,) if helpers_module else ()
        self._added: list[tuple[str, bool, _Adding]] = []  # name, pasted here, by what

    @functools.cached_property
    def module(self) -> imports.ModuleNames:
        return imports.module_bindings(self._tree)

    @functools.cached_property
    def _blocks(self) -> dict[int, keras_names.BlockDefinition]:
        blocks = keras_names.helper_blocks(self._tree, source_lines(self._text))
        return {id(block.node): block for block in blocks}

    @functools.cached_property
    def _unknown_stars(self) -> list[tuple[str, int]]:
        return [
            (dotted, line)
            for dotted, line in self.module.stars
            if not imports.is_known_star_module(dotted, self._known)
        ]

    def ours(self, adding: _Adding) -> set[str]:
        """The names of our definitions the file holds, from the template `adding` pastes."""
        return {
            block.node.name
            for block in self._blocks.values()
            if block.ours and block.template.file == adding.template
        }

    def _where(self, line: int) -> str:
        if self._cells is None:
            return f"line {line}"
        cell, in_cell = self._cells.locate(line)
        return f"cell {cell}, line {in_cell}"

    def check(self, wanted: Iterable[str], adding: _Adding) -> set[str]:
        """Refuse the file when a name the rewrite adds is taken; return the names the file
        holds already (reused, not added again)."""
        present = set()
        for name in wanted:
            found = self.module.bindings.get(name, [])
            blocks = [self._blocks.get(id(b.node)) if b.kind == "def" else None for b in found]
            other = [b for b, block in zip(found, blocks) if not adding.reuses(b, block)]
            if other:
                raise FixError(self._taken(other[0], adding))
            if found:
                present.add(name)
            if not name.startswith("_"):
                self._check_public(name, bool(found), adding)
                added = (name, not found and adding.pastes, adding)
                if added not in self._added:
                    self._added.append(added)
        return present

    def _check_public(self, name: str, bound: bool, adding: _Adding) -> None:
        if bound or name not in self.module.reads or not self._unknown_stars:
            return
        dotted, line = self._unknown_stars[0]
        raise FixError(
            f"`from {dotted} import *` ({self._where(line)}) may bind {name}, which the file uses"
            f" and {adding.what} {adding.need}; import what you use from {dotted} by name"
        )

    def check_builtins(self, used: list[str], adding: _Adding) -> None:
        """Refuse the file when it may rebind a builtin the pasted helpers call."""
        advice = (
            "rename it or use --helpers-module" if adding.helpers_module_advice else "rename it"
        )
        for name in used:
            found = self.module.bindings.get(name)
            if found:
                raise FixError(
                    f"{self._binds(found[0])}, which {adding.what} need as Python's builtin;"
                    f" {advice}"
                )
        if used and self._unknown_stars:
            dotted, line = self._unknown_stars[0]
            star_advice = advice.replace("rename it", f"import what you use from {dotted} by name")
            raise FixError(
                f"`from {dotted} import *` ({self._where(line)}) may rebind Python builtins"
                f" that {adding.what} call ({', '.join(used)}); {star_advice}"
            )

    def check_keras_module(self) -> None:
        """The pasted Keras 3 helpers read `keras`: it must be a Keras 3 module (`import keras`,
        `from tensorflow import keras`, `keras = tf.keras`), or unbound."""
        for binding in self.module.bindings.get("keras", []):
            path = self._module_path(binding)
            keras_module = path in keras_names.KERAS_ROOTS and not keras_names.is_keras_2_path(path)
            if not keras_module:
                raise FixError(
                    f"{self._binds(binding)}, which the pasted helpers need as the"
                    " Keras module; rename it or use --helpers-module"
                )

    def _module_path(self, binding: Binding) -> str:
        """The dotted path an import binds, or an alias of one (`keras = tf.keras` with
        `import tensorflow as tf`: "tensorflow.keras"); "" for anything else."""
        if binding.kind in ("import", "from"):
            return binding.path
        dotted = imports.dotted_name(binding.node) if binding.kind == "other" else ""
        root, _, rest = dotted.partition(".")
        found = self.module.bindings.get(root, []) if root != binding.name else []
        if not found or any(b.kind not in ("import", "from") for b in found):
            return ""
        return found[0].path + (f".{rest}" if rest else "")

    def check_star_imports_come_first(self, module: cst.Module) -> None:
        """Refuse the file when a star import of an unknown module runs after the rewrite binds
        a public name (in the rewritten `module`): it could replace ours."""
        if not self._added or not self._unknown_stars:
            return
        stars = imports.unknown_star_import_indexes(module, self._known)
        for name, pasted, adding in self._added:
            position = imports.binding_index(module, name, pasted)
            if position is None:
                continue
            for (index, dotted), (_, line) in zip(stars, self._unknown_stars):
                if index > position:
                    raise FixError(
                        f"`from {dotted} import *` ({self._where(line)}) runs after the rewrite"
                        f" binds {name} and may bind it again; import what you use from"
                        f" {dotted} by name, or move that import up"
                    )

    def _taken(self, binding: Binding, adding: _Adding) -> str:
        block = self._blocks.get(id(binding.node)) if binding.kind == "def" else None
        where = self._where(binding.line)
        if block is not None and block.ours:
            keras = "Keras 2" if block.template.file == keras_names.KERAS_2_TEMPLATE else "Keras 3"
            return (
                f"the file holds keras-mask-codemod's {keras} helper {binding.name} ({where}),"
                f" which {adding.what} cannot use; remove or rename it"
            )
        if block is not None:  # after our header, but not our definition
            return (
                f"the file defines {binding.name} ({where}) unlike the keras-mask-codemod helper"
                " of that name (edited by hand, written by another version, or the file's own),"
                f" and {adding.what} {adding.need} it; remove or rename it"
            )
        return (
            f"{self._binds(binding)}, which {adding.what} {adding.need}; {adding.advice(binding)}"
        )

    def _binds(self, binding: Binding) -> str:
        where = self._where(binding.line)
        if binding.kind == "def":
            return f"the file defines its own {binding.name} ({where})"
        if binding.kind == "from":
            source = binding.path.rpartition(".")[0] or "."
            return f"the file imports {binding.name} from {source} ({where})"
        if binding.kind == "import":
            return f"the file imports the module {binding.path} as {binding.name} ({where})"
        return f"the file binds {binding.name} ({where})"


def _verify(
    new_text: str,
    strategy: str,
    wanted: Callable[[Code], bool] | None,
    target: KerasTarget | None,
    imports: ProjectImports | None = None,
    others: OtherFiles = ONE_FILE,
) -> None:
    """A second run (with the same --select and target) would leave `new_text` as it is."""
    try:
        findings = analyze(new_text, target, imports=imports)
    except AnalysisError as error:
        raise FixError(f"the rewrite does not parse ({error}); please report this") from None
    findings = [f for f in findings if wanted is None or wanted(f.code)]
    if any(f.code is Code.OUTDATED_HELPERS and not f.edited for f in findings):
        raise FixError("the upgraded helpers are still out of date; please report this")
    findings = [f for f in findings if f.code not in NOT_MASKS]
    if not findings:
        return  # never rewritten, so a second run would not change them
    index = SourceIndex(new_text)
    _, edits = plan(findings, strategy, index, others)
    if edits:
        raise FixError(
            "a second run would change the rewritten file again; left untouched, please report this"
        )


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
