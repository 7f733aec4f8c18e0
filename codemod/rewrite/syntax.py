"""The libcst view of one source: find the analysis's nodes again by position, and their context.

The analysis works on the stdlib `ast`; rewrites work on libcst, which keeps every byte. Both
agree on where an expression starts and ends (1-based lines, 0-based character columns, brackets
around the expression excluded), so a `Span` from a finding names exactly one libcst node.
"""

from __future__ import annotations

import ast
import bisect

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from codemod.analysis import source_lines, span_of
from codemod.analysis.findings import Site, Span

_ADD_METHODS = frozenset({"add", "append"})


def _parse_module(text: str) -> cst.Module:
    """libcst's module for `text`, which gives `text` back byte for byte.

    libcst (1.9) forgets the last line break of a file that ends in a lone "\r" (old Mac line
    endings), so every rewrite of such a file would lose it; it is put back here.
    """
    module = cst.parse_module(text)
    if text.endswith("\r") and not module.has_trailing_newline:
        module = module.with_changes(has_trailing_newline=True)
    return module


class SourceIndex:
    """A parsed libcst module with its expressions indexed by span, and each node's parent.

    Indexing walks libcst's tree, which costs far more than parsing it; so it is done one
    top-level statement at a time, when a span inside it is first asked for. A rewrite touches a
    few statements, so a 50,000-line file is walked only where the findings are.
    """

    def __init__(self, text: str, tree: ast.Module | None = None) -> None:
        """`tree` is `text` as ast parsed it, when the caller has it already."""
        from codemod.analysis import parse_quietly

        self.text = text
        self.module = _parse_module(text)
        self._lines = source_lines(text)
        self._tree = tree if tree is not None else parse_quietly(text)
        self._parents: dict[cst.CSTNode, cst.CSTNode] = {}
        self._by_span: dict[Span, cst.BaseExpression] = {}
        # Calls are found by their rank in source order, which ast and libcst agree on; anything
        # else (or a disagreement) falls back to libcst's positions, which cost a codegen pass.
        self._statements = _pair_statements(self.module, self._tree)
        self._starts = [first for first, _, _, _ in self._statements]
        self._indexed: set[int] = set()
        self._everything_indexed = False
        self._positions_resolved = False
        self._imports: dict[str, str] | None = None
        self._star_import = False

    def _index_statement(self, number: int) -> None:
        if number in self._indexed:
            return
        self._indexed.add(number)
        _, _, statement, ast_statements = self._statements[number]
        self._parents[statement] = self.module
        calls = _parents_and_calls(statement, self._parents)
        spans = sorted(
            (
                span_of(node, self._lines)
                for tree in ast_statements
                for node in ast.walk(tree)
                if isinstance(node, ast.Call)
            ),
            key=lambda span: (span.line, span.column, -span.end_line, -span.end_column),
        )
        if len(spans) == len(calls):
            self._by_span.update(zip(spans, calls))
        else:
            self._resolve_positions()

    def _index_line(self, line: int) -> None:
        number = bisect.bisect_right(self._starts, line) - 1
        if number >= 0 and line <= self._statements[number][1]:
            self._index_statement(number)

    def _index_everything(self) -> None:
        if self._everything_indexed:
            return
        self._everything_indexed = True
        if not self._statements:  # ast and libcst disagree on the statements: no shortcuts
            _parents_and_calls(self.module, self._parents)
            self._resolve_positions()
            return
        for number in range(len(self._statements)):
            self._index_statement(number)

    def _resolve_positions(self) -> None:
        if self._positions_resolved:
            return
        self._positions_resolved = True
        positions = MetadataWrapper(self.module, unsafe_skip_copy=True).resolve(PositionProvider)
        for node, where in positions.items():
            if isinstance(node, cst.BaseExpression):
                span = Span(where.start.line, where.start.column, where.end.line, where.end.column)
                self._by_span.setdefault(span, node)

    def class_named_by(self, call: cst.Call) -> str | None:
        """The class a construction call names directly: `layers.Conv1D(...)` or an imported
        `Conv1D(...)` (under any alias) give "Conv1D"; a variable (`pooling(2)`) gives None."""
        func = call.func
        if isinstance(func, cst.Attribute):
            return func.attr.value
        if isinstance(func, cst.Name):
            imported = self._imported_names()
            if func.value in imported:
                return imported[func.value]
            return func.value if self._star_import else None
        return None

    def _imported_names(self) -> dict[str, str]:
        """Name bound by a `from ... import X [as Y]` anywhere in the module -> X."""
        if self._imports is None:
            self._imports = {}
            for node in ast.walk(self._tree) if self._tree is not None else ():
                if not isinstance(node, ast.ImportFrom):
                    continue
                for alias in node.names:
                    if alias.name == "*":
                        self._star_import = True
                    else:
                        self._imports[alias.asname or alias.name] = alias.name
        return self._imports

    def expression(self, span: Span) -> cst.BaseExpression | None:
        if span not in self._by_span:
            self._index_line(span.line)
        if span not in self._by_span:
            self._resolve_positions()
        return self._by_span.get(span)

    def call(self, span: Span) -> cst.Call | None:
        node = self.expression(span)
        return node if isinstance(node, cst.Call) else None

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        if node not in self._parents and node is not self.module:
            self._index_everything()  # a node found some other way than by span
        return self._parents.get(node)

    def ancestors(self, node: cst.CSTNode):
        current = self.parent(node)
        while current is not None:
            yield current
            current = self.parent(current)

    # Where a layer is applied -------------------------------------------------------------------

    def list_element(self, site: Site) -> cst.Element | None:
        """The list/tuple element holding the layer, for a Sequential item site."""
        node = self.expression(site.span)
        parent = self.parent(node) if node is not None else None
        if (
            site.kind == "item"
            and isinstance(parent, cst.Element)
            and isinstance(self.parent(parent), (cst.List, cst.Tuple))
        ):
            return parent
        return None

    def add_statement(self, site: Site) -> cst.SimpleStatementLine | None:
        """The whole `model.add(layer)` line, for a site that is the argument of add()/append()."""
        node = self.expression(site.span)
        if site.kind != "item" or node is None:
            return None
        arg = self.parent(node)
        call = self.parent(arg) if isinstance(arg, cst.Arg) else None
        if not (
            isinstance(call, cst.Call)
            and len(call.args) == 1
            and isinstance(call.func, cst.Attribute)
            and call.func.attr.value in _ADD_METHODS
        ):
            return None
        expr = self.parent(call)
        line = self.parent(expr) if isinstance(expr, cst.Expr) else None
        if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1:
            return line
        return None

    def application(self, site: Site) -> cst.Call | None:
        """The `layer(x)` call of a functional site, when it has exactly one positional input."""
        node = self.expression(site.span)
        if site.kind != "call" or not isinstance(node, cst.Call):
            return None
        if len(node.args) != 1 or node.args[0].keyword is not None or node.args[0].star:
            return None
        return node

    def in_method_named(self, node: cst.CSTNode, name: str) -> bool:
        """Whether `node` sits in a method `name` of a class (e.g. a subclassed model's call())."""
        ancestors = list(self.ancestors(node))
        for index, ancestor in enumerate(ancestors):
            if isinstance(ancestor, cst.FunctionDef):
                enclosing = ancestors[index + 1 :]
                owner = next(
                    (a for a in enclosing if isinstance(a, (cst.ClassDef, cst.FunctionDef))), None
                )
                return ancestor.name.value == name and isinstance(owner, cst.ClassDef)
        return False

    def assignment_of(self, call: cst.Call) -> cst.SimpleStatementLine | None:
        """The line `target = call` when `call` is the whole value of a one-target assignment."""
        assign = self.parent(call)
        if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
            return None
        line = self.parent(assign)
        if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1:
            return line
        return None

    def statement_of(self, node: cst.CSTNode) -> cst.SimpleStatementLine | None:
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, cst.SimpleStatementLine):
                return ancestor
        return None


def walk(node: cst.CSTNode):
    """Every node below `node`, itself included (order not guaranteed)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)


def _parents_and_calls(top: cst.CSTNode, parents: dict[cst.CSTNode, cst.CSTNode]) -> list[cst.Call]:
    """Record the parent of every node below `top`, and return its Calls in source order (outer
    before inner). A plain walk: several times cheaper than libcst's ParentNodeProvider."""
    calls: list[cst.Call] = []
    stack: list[cst.CSTNode] = [top]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Call):
            calls.append(node)
        children = node.children
        for child in children:
            parents[child] = node
        stack.extend(reversed(children))
    return calls


Statement = tuple[int, int, cst.BaseStatement, list[ast.stmt]]  # first line, last line, ...


def _pair_statements(module: cst.Module, tree: ast.Module | None) -> list[Statement]:
    """libcst's top-level statements beside ast's, with the lines each covers (decorators
    included). A libcst line `a = 1; b = 2` holds two ast statements. Empty when the two
    parsers disagree, which sends every lookup to the whole-module walk."""
    if tree is None:
        return []
    pending = list(tree.body)
    paired: list[Statement] = []
    for statement in module.body:
        size = len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1
        own, pending = pending[:size], pending[size:]
        if len(own) != size:
            return []
        first = min(
            [node.lineno for node in own]
            + [d.lineno for node in own for d in getattr(node, "decorator_list", ())]
        )
        last = max(node.end_lineno or node.lineno for node in own)
        paired.append((first, last, statement, own))
    return paired if not pending else []
