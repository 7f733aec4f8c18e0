"""Imports and helper definitions after a rewrite, in the file's own style.

Names are added to an existing `from ... import` when one fits, `import keras` is added only
when nothing binds `keras`, helper definitions go once after the imports, and an import whose
last use the rewrite removed goes too (only those: other unused imports are the user's business).
Keras 2 helpers name the Keras module the file binds already (`tf_keras`, `tf.keras`...), or one
import is added for it (`module_reference`). `module_bindings` says every name the file binds at
module level, and how, for the pipeline's check that no name it adds is taken.
"""

from __future__ import annotations

import ast
import functools
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.helpers import get_full_name_for_node

_IMPORTS = (cst.Import, cst.ImportFrom)


def name_counts(text: str) -> Counter[str]:
    """How often each name is read or written in the code (imports themselves excluded)."""
    return names_in(ast.parse(text))


def names_in(tree: ast.AST) -> Counter[str]:
    """`name_counts` of code already parsed."""
    return Counter(node.id for node in ast.walk(tree) if isinstance(node, ast.Name))


@dataclass(frozen=True, eq=False)
class Binding:
    """One module-level binding of a name in the file, as written before the rewrite."""

    name: str
    line: int
    kind: str  # "def" (a def or a class), "import", "from" (from-import), or "other"
    path: str = ""  # for imports: the dotted path bound ("mylib.MaskedConv1D", "keras")
    node: ast.AST | None = None  # for "def": the definition; for `name = value`: the value


@dataclass
class ModuleNames:
    """What a file's code binds at module level (`bindings`, name -> bindings in line order),
    where it star-imports from (`stars`: module and line), and every name it reads."""

    bindings: dict[str, list[Binding]]
    stars: list[tuple[str, int]]
    reads: frozenset[str]


def module_bindings(tree: ast.Module) -> ModuleNames:
    """Every name bound in the module's own scope: defs and classes, imports, assignments
    (also augmented and annotated ones with a value), for-loop, with and except targets, match
    captures, walrus targets outside functions (also in comprehensions), `type X = ...`, and
    names a function or class declares `global` and binds; `from M import *` apart. Statements
    under if/try/for/while/with/match count: any of them may run."""
    scope = _ModuleScope()
    scope.statements(tree.body)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            scope.declared_global(node)
    reads = frozenset(
        node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and not _is_store(node)
    )
    for found in scope.bindings.values():
        found.sort(key=lambda binding: binding.line)
    return ModuleNames(scope.bindings, scope.stars, reads)


def dotted_name(node: ast.AST | None) -> str:
    """ "tf.keras" for the expression `tf.keras`; "" for anything but names and attributes."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        owner = dotted_name(node.value)
        return f"{owner}.{node.attr}" if owner else ""
    return ""


def _is_store(node: ast.Name) -> bool:
    return isinstance(node.ctx, (ast.Store, ast.Del))


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


class _ModuleScope:
    def __init__(self) -> None:
        self.bindings: dict[str, list[Binding]] = {}
        self.stars: list[tuple[str, int]] = []

    def add(self, name: str, line: int, kind: str = "other", **extra: object) -> None:
        self.bindings.setdefault(name, []).append(Binding(name, line, kind, **extra))  # type: ignore[arg-type]

    def statements(self, body: Sequence[ast.stmt]) -> None:
        for statement in body:
            self.statement(statement)

    def statement(self, node: ast.stmt) -> None:
        if isinstance(node, (*_FUNCTIONS, ast.ClassDef)):
            self.add(node.name, node.lineno, "def", node=node)
            outer: list[ast.AST] = list(node.decorator_list)
            if isinstance(node, ast.ClassDef):
                outer += [*node.bases, *node.keywords]
            else:
                outer += [node.args, *([node.returns] if node.returns else [])]
            for part in outer:
                self.expression(part)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                path = alias.name if alias.asname else alias.name.split(".")[0]
                self.add(alias.asname or path, node.lineno, "import", path=path)
            return
        if isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            for alias in node.names:
                if alias.name == "*":
                    self.stars.append((module, node.lineno))
                else:
                    path = f"{module}.{alias.name}"
                    self.add(alias.asname or alias.name, node.lineno, "from", path=path)
            return
        if isinstance(node, ast.AnnAssign) and node.value is None:
            return  # an annotation alone binds nothing
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.AST):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(target, ast.Name):
                    self.add(target.id, target.lineno, node=node.value)
                else:
                    self.target(target)
        elif isinstance(node, (ast.AugAssign, ast.For, ast.AsyncFor)):
            self.target(node.target)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    self.target(item.optional_vars)
        elif type(node).__name__ == "TypeAlias":  # Python 3.12: `type X = ...`
            self.target(node.name)  # type: ignore[attr-defined]
        for handler in getattr(node, "handlers", ()):  # try, try*
            if handler.name:
                self.add(handler.name, handler.lineno)
        for case in getattr(node, "cases", ()):  # match
            for part in ast.walk(case.pattern):
                for name in (getattr(part, "name", None), getattr(part, "rest", None)):
                    if isinstance(name, str):
                        self.add(name, part.lineno)
        for field, value in ast.iter_fields(node):
            if field in ("body", "orelse", "finalbody"):
                self.statements(value)
            elif field == "handlers":
                for handler in value:
                    self.statements(handler.body)
            elif field == "cases":
                for case in value:
                    self.expression(case.guard)
                    self.statements(case.body)
            elif field not in ("targets", "target", "name", "pattern"):
                for part in value if isinstance(value, list) else [value]:
                    self.expression(part)

    def target(self, node: ast.AST) -> None:
        if isinstance(node, ast.Name):
            self.add(node.id, node.lineno)
        elif isinstance(node, (ast.Tuple, ast.List)):
            for element in node.elts:
                self.target(element)
        elif isinstance(node, ast.Starred):
            self.target(node.value)
        else:  # an attribute or a subscript: binds no name, but may hold a walrus
            self.expression(node)

    def expression(self, node: object) -> None:
        """Walrus targets in an expression evaluated in the module's scope."""
        if not isinstance(node, ast.AST):
            return
        pending = [node]
        while pending:
            part = pending.pop()
            if isinstance(part, ast.NamedExpr) and isinstance(part.target, ast.Name):
                self.add(part.target.id, part.lineno)
            if isinstance(part, ast.Lambda):
                pending += [*part.args.defaults, *(d for d in part.args.kw_defaults if d)]
                continue
            pending += list(ast.iter_child_nodes(part))

    def declared_global(self, scope: ast.AST) -> None:
        """Names a function or class body declares `global` and binds there."""
        declared: dict[str, int] = {}
        bound: set[str] = set()
        for node in _own_scope(scope):
            if isinstance(node, ast.Global):
                for name in node.names:
                    declared.setdefault(name, node.lineno)
            elif isinstance(node, ast.Name) and _is_store(node):
                bound.add(node.id)
            elif isinstance(node, (*_FUNCTIONS, ast.ClassDef)):
                bound.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
            elif isinstance(node, ast.ExceptHandler) and node.name:
                bound.add(node.name)
        for name, line in declared.items():
            if name in bound:
                self.add(name, line)


def _own_scope(scope: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a function's or class's body, not those of the scopes nested in it (their
    own names, decorators and the like do belong to it)."""
    pending: list[ast.AST] = list(getattr(scope, "body", []))
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node, _SCOPES):
            continue
        pending += list(ast.iter_child_nodes(node))


def is_known_star_module(dotted: str, known: Collection[str] = ()) -> bool:
    """Whether the codemod knows what `from <dotted> import *` binds: a Keras or keras-hub
    module (it binds no helper of ours, and Keras's own Lambda), or one of `known`."""
    from codemod.analysis.names import KERAS_HUB_ROOTS, keras_module

    return dotted in known or bool(keras_module(dotted)) or dotted.split(".")[0] in KERAS_HUB_ROOTS


def unknown_star_import_indexes(
    module: cst.Module, known: Collection[str] = ()
) -> list[tuple[int, str]]:
    """(index in the module's body, module name) of each `from M import *` whose M the codemod
    does not know (`is_known_star_module`), in order."""
    return [
        (index, dotted)
        for index, statement in enumerate(module.body)
        for node in _star_imports(statement)
        if not is_known_star_module(dotted := _module_name(node), known)
    ]


def _star_imports(node: cst.CSTNode) -> Iterator[cst.ImportFrom]:
    if isinstance(node, cst.ImportFrom):
        if isinstance(node.names, cst.ImportStar):
            yield node
        return
    if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.BaseExpression)):
        return  # `import *` is only allowed at module level
    for child in node.children:
        yield from _star_imports(child)


def binding_index(module: cst.Module, name: str, pasted: bool = False) -> int | None:
    """Index of the first top-level statement that binds `name` by a def, a class or an
    import (also inside if/try/with blocks); with `pasted` (the name is one of the helpers
    about to be pasted), the index of their placeholder."""
    for index, statement in enumerate(module.body):
        if pasted:
            if is_helpers_placeholder(statement):
                return index
            continue
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            if statement.name.value == name:
                return index
            continue
        if name in _imported_names(statement):
            return index
    return None


def _imported_names(node: cst.CSTNode) -> set[str]:
    if isinstance(node, _IMPORTS):
        if isinstance(node.names, cst.ImportStar):
            return set()
        return {_bound_name(alias, isinstance(node, cst.Import)) for alias in node.names}
    if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.BaseExpression)):
        return set()
    return set().union(*(_imported_names(child) for child in node.children))


def binds(module: cst.Module, name: str) -> bool:
    """Whether a top-level import, def, class or assignment binds `name`."""
    return name in _top_level_bindings(module)


def star_import_binds(module: cst.Module, name: str) -> bool:
    """Whether a top-level `from <Keras module> import *` binds `name` (`from keras.layers
    import *` binds Lambda as surely as it binds the Masking it replaces)."""
    from codemod.analysis.names import star_import_path
    from codemod.catalogue import CATALOGUE

    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if not (isinstance(small, cst.ImportFrom) and isinstance(small.names, cst.ImportStar)):
                continue
            if small.module is None or small.relative:
                continue
            dotted = get_full_name_for_node(small.module)
            if dotted and star_import_path(dotted, name, CATALOGUE.names()) is not None:
                return True
    return False


def add_to_import_of(module: cst.Module, bound: str, new: str) -> tuple[cst.Module, bool]:
    """Add `new` to the `from X import ...` (anywhere) that binds `bound`; False if there is none."""
    adder = _AddToImport(bound, new)
    updated = module.visit(adder)
    return updated, adder.done


def ensure_import(module: cst.Module, name: str) -> cst.Module:
    """Add `import name` unless a top-level statement binds `name` already."""
    if binds(module, name):
        return module
    statement = cst.SimpleStatementLine([cst.Import([cst.ImportAlias(cst.Name(name))])])
    return _insert_import(module, statement, name)


def module_reference(
    module: cst.Module, dotted: str, names: ModuleNames | None = None
) -> tuple[cst.Module, str]:
    """How top-level code can name the module `dotted` ("tf_keras", "tensorflow.keras"): through
    a name an import binds already (`tf_keras`, `tf.keras`, `keras`), else through an import
    added for it (`import tf_keras`, `from tensorflow import keras`), never rebinding a name the
    file uses. `names` (the file's `module_bindings`) adds the names bound otherwise than by
    imports, by loops, with... Returns the module and the expression; ValueError when every
    name is taken."""
    bound = names.bindings if names is not None else {}
    rebound = {n for n, found in bound.items() if any(b.kind in ("def", "other") for b in found)}
    reachable = [
        name + dotted[len(path) :]
        for name, path in _imported_modules(module).items()
        if name not in rebound and (dotted == path or dotted.startswith(path + "."))
    ]
    if reachable:
        return module, min(reachable, key=lambda text: (text.count("."), len(text), text))
    taken = _top_level_bindings(module) | rebound
    parent, _, last = dotted.rpartition(".")
    root = dotted.split(".")[0]
    if last not in taken:
        text = f"from {parent} import {last}" if parent else f"import {last}"
        reference = last
    elif parent and root not in taken:
        text, reference = f"import {dotted}", dotted
    else:
        raise ValueError(f"cannot import {dotted}: the name {last!r} is taken")
    return _insert_import(module, cst.parse_statement(text + "\n"), root), reference


def _imported_modules(module: cst.Module) -> dict[str, str]:
    """Top-level names bound by imports (and by nothing else), with the dotted path each names."""
    paths: dict[str, str] = {}
    others: set[str] = set()
    for statement in module.body:
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            others.add(statement.name.value)
        for line in statement.body.body if isinstance(statement, cst.Try) else [statement]:
            if not isinstance(line, cst.SimpleStatementLine):
                continue
            for small in line.body:
                if isinstance(small, cst.Import):
                    for alias in small.names:
                        dotted = _dotted(alias.name)
                        named = dotted if alias.asname else dotted.split(".")[0]
                        paths[_bound_name(alias, True)] = named
                elif (
                    isinstance(small, cst.ImportFrom)
                    and not small.relative
                    and not isinstance(small.names, cst.ImportStar)
                ):
                    for alias in small.names:
                        path = f"{_module_name(small)}.{_dotted(alias.name)}"
                        paths[_bound_name(alias, False)] = path
                elif isinstance(small, cst.Assign):
                    others |= {
                        t.target.value for t in small.targets if isinstance(t.target, cst.Name)
                    }
    return {name: path for name, path in paths.items() if name not in others}


def _insert_import(module: cst.Module, statement: cst.SimpleStatementLine, root: str) -> cst.Module:
    """Put an import where isort (and ruff's I rules) would: in the block of imports that holds
    the file's Keras imports, in sorted place. Else before the first import of `root`'s family,
    else after the imports (`_insert` keeps the blocks separated as they were)."""
    body = list(module.body)
    position, first_in_block = _sorted_position(body, statement)
    if position is None:
        position = _import_position(body, root)
        first_in_block = position < len(body) and position >= _header_end(body)
    _insert(body, position, statement, first_in_block)
    return module.with_changes(body=body)


def _insert(
    body: list[cst.BaseStatement],
    position: int,
    statement: cst.SimpleStatementLine,
    first_in_block: bool,
) -> None:
    """Insert `statement` at `position`; placed first in a block, it takes over the block's
    leading blank lines and comments, so the block stays separated as it was."""
    if first_in_block and position < len(body):
        statement = statement.with_changes(leading_lines=body[position].leading_lines)
        body[position] = body[position].with_changes(leading_lines=[])
    body.insert(position, statement)


_KERAS_ROOTS = frozenset({"keras", "tensorflow", "tf_keras"})


def _import_blocks(body: Sequence[cst.BaseStatement]) -> list[list[int]]:
    """The blocks of top-level import lines (runs with no blank line between them), as isort
    separates its sections, up to the first def or class."""
    blocks: list[list[int]] = []
    for index in range(_header_end(body), _after_imports(body)):
        line = body[index]
        if not (isinstance(line, cst.SimpleStatementLine) and _is_import(line)):
            continue
        if not blocks or index != blocks[-1][-1] + 1 or _blank_before(line):
            blocks.append([])
        blocks[-1].append(index)
    return blocks


def _roots(body: Sequence[cst.BaseStatement], block: list[int]) -> set[str]:
    """The top-level packages a block imports from; relative imports as written (`.`, `..x`)."""
    keys = (_sort_key(body[index])[1] for index in block)
    return {key if key.startswith(".") else key.split(".")[0] for key in keys}


def _in_block(
    body: Sequence[cst.BaseStatement], block: list[int], statement: cst.SimpleStatementLine
) -> tuple[int, bool]:
    """The sorted place of `statement` in `block`, and whether it is the block's first."""
    key = _sort_key(statement)
    for index in block:
        if _sort_key(body[index]) > key:
            return index, index == block[0]
    return block[-1] + 1, False


def _sorted_position(
    body: Sequence[cst.BaseStatement], statement: cst.SimpleStatementLine
) -> tuple[int | None, bool]:
    """Where isort's default order puts `statement` in the block of imports holding the file's
    Keras imports: straight imports before `from` imports, each sorted by module name, ignoring
    case. (None, False) when no such block exists. The bool says whether the place is the
    block's first."""
    for block in _import_blocks(body):
        if _roots(body, block) & _KERAS_ROOTS:
            return _in_block(body, block, statement)
    return None, False


def _sort_key(statement: cst.CSTNode) -> tuple[bool, str]:
    """isort's default order within a block: straight imports first, then by module name."""
    first = statement.body[0]  # type: ignore[attr-defined]
    if isinstance(first, cst.ImportFrom):
        dots = "." * len(first.relative)
        return True, dots + _module_name(first).lower()
    return False, _dotted(first.names[0].name).lower()  # type: ignore[union-attr]


def _blank_before(statement: cst.SimpleStatementLine) -> bool:
    return any(line.comment is None for line in statement.leading_lines)


def add_from_import(
    module: cst.Module, source: str, names: Iterable[str], line_length: int = 88
) -> cst.Module:
    """Import `names` (those not bound already) from the project's own module `source`, where
    isort and ruff put a first-party import: into the file's `from source import ...` when it
    has one, else sorted into the block of first-party imports after the third-party block
    holding Keras, else as a block of its own there. Wrapped as black and ruff wrap it when it
    is longer than `line_length`."""
    wanted = {name for name in names if not binds(module, name)}
    if not wanted:
        return module
    body = list(module.body)
    existing = _from_import_of(body, source)
    if existing is not None:
        small = body[existing].body[0]  # type: ignore[attr-defined]
        wanted |= {_dotted(alias.name) for alias in small.names}
    statement = _from_import_line(source, sorted(wanted), module.default_indent, line_length)
    if existing is not None:
        body[existing] = statement.with_changes(leading_lines=body[existing].leading_lines)
        return module.with_changes(body=body)
    position, first_in_block, new_block = _first_party_position(body, statement, source)
    if new_block:
        statement = statement.with_changes(leading_lines=[cst.EmptyLine()])
    _insert(body, position, statement, first_in_block)
    return module.with_changes(body=body)


def _from_import_of(body: Sequence[cst.BaseStatement], source: str) -> int | None:
    """The index of a top-level `from source import a, b` (no alias, no star), if any."""
    for index in range(_header_end(body), _after_imports(body)):
        line = body[index]
        if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
            continue
        small = line.body[0]
        if (
            isinstance(small, cst.ImportFrom)
            and not small.relative
            and _module_name(small) == source
            and not isinstance(small.names, cst.ImportStar)
            and all(alias.asname is None for alias in small.names)
        ):
            return index
    return None


def _from_import_line(
    source: str, names: list[str], indent: str, line_length: int
) -> cst.SimpleStatementLine:
    """`from source import a, b` on one line, or one name a line in brackets when too long."""
    text = f"from {source} import {', '.join(names)}"
    if len(text) > line_length:
        inner = "".join(f"{indent}{name},\n" for name in names)
        text = f"from {source} import (\n{inner})"
    # Parsed on its own: it is one top-level statement whose newlines follow the module's when
    # printed, and the module's own parser config can be invalid (a form feed in the indent).
    return cst.parse_statement(text + "\n")  # type: ignore[return-value]


def _first_party_position(
    body: Sequence[cst.BaseStatement], statement: cst.SimpleStatementLine, source: str
) -> tuple[int, bool, bool]:
    """Where isort puts a first-party import: sorted into the first-party block, which follows
    the third-party block holding Keras (a block of relative imports follows it in turn);
    without one, a new block (the third bool) just after the Keras block, else after the
    imports. The second bool says whether the place is an existing block's first."""
    blocks = _import_blocks(body)
    keras = [n for n, block in enumerate(blocks) if _roots(body, block) & _KERAS_ROOTS]
    if not keras:
        return _after_imports(body), False, True
    root = source.split(".")[0]
    for block in blocks[keras[-1] + 1 :]:
        roots = _roots(body, block)
        if all(name.startswith(".") for name in roots):  # relative imports: the local section
            return block[0], False, True
        if root in roots or not roots & _KERAS_ROOTS:
            position, first = _in_block(body, block, statement)
            return position, first, False
    return blocks[keras[-1]][-1] + 1, False, True


HELPERS_PLACEHOLDER = "pass  # keras-mask-codemod: helper definitions go here (7f3a)"
"""The line `insert_helpers` puts where the helper definitions go; `fill_helpers` swaps the
definitions' text in after code generation (cheaper than generating them as libcst nodes)."""


def is_helpers_placeholder(statement: cst.CSTNode) -> bool:
    """Whether a top-level statement is the line `insert_helpers` put in."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    comment = statement.trailing_whitespace.comment
    return (
        isinstance(statement.body[0], cst.Pass)
        and comment is not None
        and (comment.value == HELPERS_PLACEHOLDER.split("  ", 1)[1])
    )


def insert_helpers(
    module: cst.Module,
    helper_names: Iterable[str],
    anchor: str | None = None,
    after: Iterable[str] = (),
    ours: Iterable[str] = (),
) -> cst.Module:
    """Mark where the helper definitions go: after the imports, before any top-level use.

    `anchor` (notebooks) is the comment line that ends the cell before the one that should hold
    them: they go at the start of that cell, after its own imports. `after` names helpers the
    file defines already, which the new ones may need as they are defined (a base class): the
    new ones go after them, and after the rest of their block (the definitions right after
    them named in `ours`). ValueError when that is past a top-level use of the new ones.
    """
    blank = [cst.EmptyLine(), cst.EmptyLine()]
    placeholder = cst.parse_statement(HELPERS_PLACEHOLDER + "\n").with_changes(leading_lines=blank)
    body = list(module.body)
    first_use = _first_use(body, set(helper_names))
    floor = _after_definitions(body, set(after), set(ours))
    if floor > first_use:
        raise ValueError("the helpers the file holds come after the first use of new ones")
    position = max(min(_after_imports(body), first_use), floor)
    start = _statement_after_comment(body, anchor) if anchor else None
    if start is not None and floor <= start:
        position = min(_skip_imports(body, start), first_use)
        if position == start:
            # The cell boundary comment stays above the helpers, so they land in this cell; the
            # blank lines before them only when the cell starts with comments of its own.
            lines = list(body[start].leading_lines)
            boundary = next(
                i for i, line in enumerate(lines) if line.comment and line.comment.value == anchor
            )
            own = lines[boundary + 1 :]
            spacing = blank if any(line.comment for line in own) else []
            placeholder = placeholder.with_changes(
                leading_lines=[*lines[: boundary + 1], *own, *spacing]
            )
            body[start] = body[start].with_changes(leading_lines=[])
    if position < len(body):
        following = body[position]
        lines = list(following.leading_lines)
        empty = 0
        while empty < len(lines) and lines[empty].comment is None:
            empty += 1
        if empty < 2:
            lines = [cst.EmptyLine()] * (2 - empty) + lines
        body[position] = following.with_changes(leading_lines=lines)
    elif position == 0:
        placeholder = placeholder.with_changes(leading_lines=[])
    body.insert(position, placeholder)
    return module.with_changes(body=body)


def _after_definitions(body: Sequence[cst.BaseStatement], names: set[str], block: set[str]) -> int:
    """Index just past the last top-level def or class of one of `names` and the defs or
    classes of `block` right after it (0 without any)."""

    def defines(index: int, wanted: set[str]) -> bool:
        statement = body[index]
        return (
            isinstance(statement, (cst.FunctionDef, cst.ClassDef))
            and statement.name.value in wanted
        )

    last = max((index for index in range(len(body)) if defines(index, names)), default=-1)
    if last < 0:
        return 0
    while last + 1 < len(body) and defines(last + 1, block):
        last += 1
    return last + 1


def fill_helpers(code: str, helper_text: str, newline: str, indent: str) -> str:
    """Put the helper definitions where `insert_helpers` marked, in the file's newline style and
    indentation unit."""
    line = HELPERS_PLACEHOLDER + newline
    if indent.strip(" \t"):  # a form feed in the file's first indent: repeating it would not nest
        indent = "    "
    return code.replace(line, in_style(helper_text, newline, indent), 1)


@functools.lru_cache(maxsize=64)
def in_style(helper_text: str, newline: str, indent: str) -> str:
    lines = helper_text.split("\n")
    if indent != "    ":
        for number, line in enumerate(lines):
            stripped = line.lstrip(" ")
            units, rest = divmod(len(line) - len(stripped), 4)
            lines[number] = indent * units + " " * rest + stripped
    return newline.join(lines)


@functools.lru_cache(maxsize=64)
def helper_name_counts(helper_text: str) -> Counter[str]:
    """The names the helper definitions use (so `import keras` is not taken for unused)."""
    return name_counts(helper_text)


def _statement_after_comment(body: Sequence[cst.BaseStatement], comment: str) -> int | None:
    for index, statement in enumerate(body):
        if any(line.comment and line.comment.value == comment for line in statement.leading_lines):
            return index
    return None


def _skip_imports(body: Sequence[cst.BaseStatement], start: int) -> int:
    position = start
    while position < len(body) and _is_import(body[position]):
        position += 1
    return position


def remove_unused(module: cst.Module, before: Counter[str], after: Counter[str]) -> cst.Module:
    """Drop import names that were used before the rewrite and are not used after it (the same
    module comes back when there are none)."""
    gone = {name for name, count in before.items() if count and not after.get(name)}
    if not gone:
        return module
    return module.visit(_RemoveImports(gone))


# Where things go --------------------------------------------------------------------------------


def _is_import(statement: cst.CSTNode) -> bool:
    if isinstance(statement, cst.SimpleStatementLine):
        return all(isinstance(small, _IMPORTS) for small in statement.body)
    if isinstance(statement, cst.Try):
        return all(_is_import(inner) for inner in statement.body.body)
    return False


def _header_end(body: Sequence[cst.BaseStatement]) -> int:
    """Index just past a module docstring and `from __future__` imports."""
    position = 0
    for statement in body:
        if not isinstance(statement, cst.SimpleStatementLine):
            break
        small = statement.body[0]
        is_doc = (
            position == 0
            and isinstance(small, cst.Expr)
            and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString))
        )
        is_future = isinstance(small, cst.ImportFrom) and _module_name(small) == "__future__"
        if not (is_doc or is_future):
            break
        position += 1
    return position


def _after_imports(body: Sequence[cst.BaseStatement]) -> int:
    """Just past the last top-level import before the first def or class."""
    position = _header_end(body)
    for index, statement in enumerate(body):
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            break
        if _is_import(statement):
            position = index + 1
    return position


def _import_position(body: Sequence[cst.BaseStatement], name: str) -> int:
    """Before the first import of `name`'s family (`from keras import x`), else after the imports."""
    for index, statement in enumerate(body[: _after_imports(body)]):
        if isinstance(statement, cst.SimpleStatementLine) and _is_import(statement):
            first = statement.body[0]
            module = (
                _module_name(first)
                if isinstance(first, cst.ImportFrom)
                else _dotted(first.names[0].name)  # type: ignore[union-attr]
            )
            root = module.split(".")[0]
            if root == name or (root == "tensorflow" and name == "keras"):
                return index
    return _after_imports(body)


def _first_use(body: Sequence[cst.BaseStatement], names: set[str]) -> int:
    for index, statement in enumerate(body):
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            continue
        finder = _NameFinder(names)
        statement.visit(finder)
        if finder.found:
            return index
    return len(body)


class _NameFinder(cst.CSTVisitor):
    def __init__(self, names: set[str]) -> None:
        super().__init__()
        self.names, self.found = names, False

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in self.names:
            self.found = True


def _top_level_bindings(module: cst.Module) -> set[str]:
    names: set[str] = set()
    for statement in module.body:
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            names.add(statement.name.value)
        if isinstance(statement, cst.Try):
            for inner in statement.body.body:
                names |= _line_bindings(inner)
        names |= _line_bindings(statement)
    return names


def _line_bindings(statement: cst.CSTNode) -> set[str]:
    names: set[str] = set()
    if not isinstance(statement, cst.SimpleStatementLine):
        return names
    for small in statement.body:
        if isinstance(small, _IMPORTS) and not isinstance(small.names, cst.ImportStar):
            for alias in small.names:
                names.add(_bound_name(alias, isinstance(small, cst.Import)))
        elif isinstance(small, cst.Assign):
            for target in small.targets:
                if isinstance(target.target, cst.Name):
                    names.add(target.target.value)
    return names


def _bound_name(alias: cst.ImportAlias, plain_import: bool) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    dotted = _dotted(alias.name)
    return dotted.split(".")[0] if plain_import else dotted


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _module_name(node: cst.ImportFrom) -> str:
    dots = "." * len(node.relative)
    return dots + (_dotted(node.module) if node.module is not None else "")


# Editing import statements ----------------------------------------------------------------------


def _inner_comma(aliases: Sequence[cst.ImportAlias]) -> cst.Comma:
    for alias in aliases[:-1]:
        if isinstance(alias.comma, cst.Comma):
            return alias.comma
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


class _AddToImport(cst.CSTTransformer):
    def __init__(self, bound: str, new: str) -> None:
        super().__init__()
        self.bound, self.new, self.done = bound, new, False

    def leave_ImportFrom(self, original: cst.ImportFrom, updated: cst.ImportFrom) -> cst.ImportFrom:
        if self.done or isinstance(updated.names, cst.ImportStar):
            return updated
        aliases = list(updated.names)
        names = [_bound_name(alias, False) for alias in aliases]
        if self.bound not in names:
            return updated
        self.done = True
        if self.new in names:
            return updated
        plain = [_dotted(alias.name) for alias in aliases]
        position = len(aliases)
        if plain == sorted(plain):
            position = next((i for i, name in enumerate(plain) if name > self.new), len(aliases))
        template = _inner_comma(aliases)
        alias = cst.ImportAlias(cst.Name(self.new))
        if position < len(aliases):
            aliases.insert(position, alias.with_changes(comma=template))
        else:
            last = aliases[-1]
            aliases[-1] = last.with_changes(comma=template)
            aliases.append(alias.with_changes(comma=last.comma))
        changes: dict[str, object] = {"names": aliases}
        if len(aliases) > 1 and updated.lpar is None and _too_long(aliases):
            changes.update(lpar=cst.LeftParen(), rpar=cst.RightParen())
        return updated.with_changes(**changes)


def _too_long(aliases: Sequence[cst.ImportAlias]) -> bool:
    return sum(len(_dotted(alias.name)) + 2 for alias in aliases) > 70


class _RemoveImports(cst.CSTTransformer):
    """Remove named import aliases at the top level; a statement left empty goes entirely."""

    def __init__(self, names: set[str]) -> None:
        super().__init__()
        self.names = names

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def leave_Import(
        self, original: cst.Import, updated: cst.Import
    ) -> cst.Import | cst.RemovalSentinel:
        return self._trim(updated, plain=True)

    def leave_ImportFrom(
        self, original: cst.ImportFrom, updated: cst.ImportFrom
    ) -> cst.ImportFrom | cst.RemovalSentinel:
        if isinstance(updated.names, cst.ImportStar):
            return updated
        return self._trim(updated, plain=False)

    def _trim(self, node, plain: bool):
        aliases = list(node.names)
        kept = [alias for alias in aliases if _bound_name(alias, plain) not in self.names]
        if len(kept) == len(aliases):
            return node
        if not kept:
            return cst.RemovalSentinel.REMOVE
        if kept[-1] is not aliases[-1]:
            kept[-1] = kept[-1].with_changes(comma=aliases[-1].comma)
        return node.with_changes(names=kept)
