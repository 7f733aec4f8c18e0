"""Imports and helper definitions after a rewrite, in the file's own style.

Names are added to an existing `from ... import` when one fits, `import keras` is added only
when nothing binds `keras`, helper definitions go once after the imports, and an import whose
last use the rewrite removed goes too (only those: other unused imports are the user's business).
Keras 2 helpers name the Keras module the file binds already (`tf_keras`, `tf.keras`...), or one
import is added for it (`module_reference`).
"""

from __future__ import annotations

import ast
import functools
from collections import Counter
from collections.abc import Iterable, Sequence

import libcst as cst
from libcst.helpers import get_full_name_for_node

_IMPORTS = (cst.Import, cst.ImportFrom)


def name_counts(text: str) -> Counter[str]:
    """How often each name is read or written in the code (imports themselves excluded)."""
    return names_in(ast.parse(text))


def names_in(tree: ast.AST) -> Counter[str]:
    """`name_counts` of code already parsed."""
    return Counter(node.id for node in ast.walk(tree) if isinstance(node, ast.Name))


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


def module_reference(module: cst.Module, dotted: str) -> tuple[cst.Module, str]:
    """How top-level code can name the module `dotted` ("tf_keras", "tensorflow.keras"): through
    a name an import binds already (`tf_keras`, `tf.keras`, `keras`), else through an import
    added for it (`import tf_keras`, `from tensorflow import keras`), never rebinding a name the
    file uses. Returns the module and the expression; ValueError when every name is taken."""
    reachable = [
        name + dotted[len(path) :]
        for name, path in _imported_modules(module).items()
        if dotted == path or dotted.startswith(path + ".")
    ]
    if reachable:
        return module, min(reachable, key=lambda text: (text.count("."), len(text), text))
    taken = _top_level_bindings(module)
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
    """Put an import before the first import of `root`'s family, else after the imports."""
    body = list(module.body)
    position = _import_position(body, root)
    if position < len(body) and position > _header_end(body):
        statement = statement.with_changes(leading_lines=body[position].leading_lines)
        body[position] = body[position].with_changes(leading_lines=[])
    body.insert(position, statement)
    return module.with_changes(body=body)


def add_from_import(module: cst.Module, source: str, names: Iterable[str]) -> cst.Module:
    """Add `from source import a, b` after the last top-level import (names already bound skipped)."""
    wanted = sorted(name for name in set(names) if not binds(module, name))
    if not wanted:
        return module
    text = f"from {source} import {', '.join(wanted)}"
    # Parsed on its own: it is one top-level line whose newline follows the module's when
    # printed, and the module's own parser config can be invalid (a form feed in the indent).
    statement = cst.parse_statement(text + "\n")
    body = list(module.body)
    body.insert(_after_imports(body), statement)
    return module.with_changes(body=body)


HELPERS_PLACEHOLDER = "pass  # keras-mask-codemod: helper definitions go here (7f3a)"
"""The line `insert_helpers` puts where the helper definitions go; `fill_helpers` swaps the
definitions' text in after code generation (cheaper than generating them as libcst nodes)."""


def insert_helpers(
    module: cst.Module, helper_names: Iterable[str], anchor: str | None = None
) -> cst.Module:
    """Mark where the helper definitions go: after the imports, before any top-level use.

    `anchor` (notebooks) is the comment line that ends the cell before the one that should hold
    them: they go at the start of that cell, after its own imports.
    """
    blank = [cst.EmptyLine(), cst.EmptyLine()]
    placeholder = cst.parse_statement(HELPERS_PLACEHOLDER + "\n").with_changes(leading_lines=blank)
    body = list(module.body)
    position = min(_after_imports(body), _first_use(body, set(helper_names)))
    start = _statement_after_comment(body, anchor) if anchor else None
    if start is not None:
        position = min(_skip_imports(body, start), _first_use(body, set(helper_names)))
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


def fill_helpers(code: str, helper_text: str, newline: str, indent: str) -> str:
    """Put the helper definitions where `insert_helpers` marked, in the file's newline style and
    indentation unit."""
    line = HELPERS_PLACEHOLDER + newline
    if indent.strip(" \t"):  # a form feed in the file's first indent: repeating it would not nest
        indent = "    "
    return code.replace(line, _in_style(helper_text, newline, indent), 1)


@functools.lru_cache(maxsize=64)
def _in_style(helper_text: str, newline: str, indent: str) -> str:
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
