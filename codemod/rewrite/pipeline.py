"""Fix one source text: findings -> plan -> edits -> imports and helpers -> verified new text.

A result is returned only when it parses, `check` finds nothing more to rewrite in it, and a
second run would leave it as it is; otherwise the text comes back unchanged with an error.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import libcst as cst

from codemod.analysis import (
    NESTING_TOO_DEEP,
    AnalysisError,
    analyze,
    may_contain_producer,
    parse,
)
from codemod.analysis.findings import Code, Finding
from codemod.rewrite import imports
from codemod.rewrite.edits import Edit, MaskingToLambda, helpers_keras_2, helpers_used
from codemod.rewrite.helper_source import HELPER_IMPORTS, helper_source, keras_2_helper_source
from codemod.rewrite.plan import Change, plan
from codemod.rewrite.syntax import SourceIndex
from codemod.rewrite.transform import EditError, apply_edits

if TYPE_CHECKING:
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


def fix_text(
    text: str,
    strategy: str = "auto",
    helpers_module: str | None = None,
    wanted: Callable[[Code], bool] | None = None,
    cells: Cells | None = None,
    target: KerasTarget | None = None,
) -> FixResult:
    """Rewrite `text` with `strategy`; `wanted` picks rule codes to fix (--select), default all.
    For a notebook's virtual source, `cells` names where lines and cells are. `target` is the
    Keras the code runs on (default: the newest release), for both analyses.

    Raises AnalysisError when the text cannot be parsed and FixError when the rewrite cannot be
    made safely.
    """
    if not may_contain_producer(text):
        return FixResult(text)
    locate = cells.locate if cells else None
    tree = parse(text, locate)  # once, for the analysis and the rewrite
    findings = analyze(text, target, locate=locate, tree=tree)
    chosen = [f for f in findings if wanted is None or wanted(f.code)]
    if not chosen:
        return FixResult(text, findings)
    try:
        new_text, changes = _rewrite(text, tree, chosen, strategy, helpers_module, cells)
        if new_text != text:
            _verify(new_text, strategy, wanted, target)
    except RecursionError:  # libcst visits and prints its tree recursively
        raise FixError(NESTING_TOO_DEEP) from None
    return FixResult(new_text, findings, changes)


def _rewrite(
    text: str,
    tree: ast.Module,
    findings: list[Finding],
    strategy: str,
    helpers_module: str | None,
    cells: Cells | None,
) -> tuple[str, list[Change]]:
    try:
        index = SourceIndex(text, tree)
    except cst.ParserSyntaxError as error:
        raise FixError(
            "valid Python that libcst, which makes the rewrite, cannot parse (its limits are"
            f" lower, e.g. on thousands of adjacent strings): {_first_line(error)}"
        ) from None
    changes, edits = plan(findings, strategy, index)
    if not edits:
        return text, changes
    try:
        module = apply_edits(index, edits, "Lambda")
    except EditError as error:
        raise FixError(str(error)) from None
    module = _bind_lambda(module, index, edits)
    anchor = cells.start_of_cell(_first_rewrite_cell(changes)) if cells else None
    module, helper_text = _add_helpers(module, edits, helpers_module, anchor)
    new_text = module.code
    after = imports.name_counts(new_text) + imports.helper_name_counts(helper_text)
    pruned = imports.remove_unused(module, imports.names_in(tree), after)
    new_text = new_text if pruned is module else pruned.code
    if helper_text:
        new_text = imports.fill_helpers(
            new_text, helper_text, module.default_newline, module.default_indent
        )
    return new_text, changes


def _bind_lambda(module: cst.Module, index: SourceIndex, edits: list[Edit]) -> cst.Module:
    """A bare `Masking(...)` became `Lambda(...)`: import Lambda beside Masking."""
    for edit in edits:
        if not isinstance(edit, MaskingToLambda):
            continue
        call = index.call(edit.target)
        if call is None or not isinstance(call.func, cst.Name):
            continue
        module, done = imports.add_to_import_of(module, call.func.value, "Lambda")
        if done or imports.binds(module, "Lambda") or imports.star_import_binds(module, "Lambda"):
            continue
        raise FixError(f"cannot tell where {call.func.value} is imported from")
    return module


def _first_rewrite_cell(changes: list[Change]) -> int | None:
    return next((c.finding.cell for c in changes if c.summary is not None), None)


def _add_helpers(
    module: cst.Module, edits: list[Edit], helpers_module: str | None, anchor: str | None = None
) -> tuple[cst.Module, str]:
    """The module importing or marking the place of the helpers it now uses, and the text of the
    definitions to put in (empty when none are needed here).

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
    keras_2, names = next(iter(wanted.items()), ("", set()))
    if keras_2:
        missing = sorted(name for name in names if not imports.binds(module, name))
        if not missing:
            return module, ""
        try:
            module, keras = imports.module_reference(module, keras_2)
        except ValueError as error:
            raise FixError(f"{error}, which the Keras 2 helpers need") from None
        helpers = keras_2_helper_source(missing, keras)
        return imports.insert_helpers(module, missing, anchor), helpers
    if helpers_module is not None:
        return imports.add_from_import(module, helpers_module, names), ""
    missing = sorted(name for name in names if not imports.binds(module, name))
    if not missing:
        return module, ""
    for name in HELPER_IMPORTS:
        module = imports.ensure_import(module, name)
    return imports.insert_helpers(module, missing, anchor), helper_source(missing)


def _verify(
    new_text: str,
    strategy: str,
    wanted: Callable[[Code], bool] | None,
    target: KerasTarget | None,
) -> None:
    """A second run (with the same --select and target) would leave `new_text` as it is."""
    try:
        findings = analyze(new_text, target)
    except AnalysisError as error:
        raise FixError(f"the rewrite does not parse ({error}); please report this") from None
    findings = [f for f in findings if wanted is None or wanted(f.code)]
    if all(f.code is Code.MANUAL_REVIEW for f in findings):
        return  # never rewritten, so a second run would not change them
    index = SourceIndex(new_text)
    _, edits = plan(findings, strategy, index)
    if edits:
        raise FixError(
            "a second run would change the rewritten file again; left untouched, please report this"
        )


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
