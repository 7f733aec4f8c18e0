"""The libcst view of one source: find the analysis's nodes again by position, and their context.

The analysis works on the stdlib `ast`; rewrites work on libcst, which keeps every byte. Both
agree on where an expression starts and ends (1-based lines, 0-based character columns, brackets
around the expression excluded), so a `Span` from a finding names exactly one libcst node.
"""

from __future__ import annotations

import ast

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from codemod.analysis.findings import Site, Span

_ADD_METHODS = frozenset({"add", "append"})


class SourceIndex:
    """A parsed libcst module with its expressions indexed by span, and each node's parent."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.module = cst.parse_module(text)
        self._parents, calls = _parents_and_calls(self.module)
        # Calls are found by their rank in source order, which ast and libcst agree on; anything
        # else (or a disagreement) falls back to libcst's positions, which cost a codegen pass.
        self._by_span: dict[Span, cst.BaseExpression] = _calls_by_span(text, calls)
        self._positions_resolved = False
        self._imports: dict[str, str] | None = None
        self._star_import = False

    def _resolve_positions(self) -> None:
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
            for node in walk(self.module):
                if isinstance(node, cst.ImportFrom) and isinstance(node.names, cst.ImportStar):
                    self._star_import = True
                elif isinstance(node, cst.ImportFrom):
                    for alias in node.names:
                        if not isinstance(alias.name, cst.Name):
                            continue
                        bound = alias.asname.name if alias.asname is not None else alias.name
                        if isinstance(bound, cst.Name):
                            self._imports[bound.value] = alias.name.value
        return self._imports

    def expression(self, span: Span) -> cst.BaseExpression | None:
        if span not in self._by_span and not self._positions_resolved:
            self._resolve_positions()
        return self._by_span.get(span)

    def call(self, span: Span) -> cst.Call | None:
        node = self.expression(span)
        return node if isinstance(node, cst.Call) else None

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self._parents.get(node)

    def ancestors(self, node: cst.CSTNode):
        current = self._parents.get(node)
        while current is not None:
            yield current
            current = self._parents.get(current)

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


def _parents_and_calls(module: cst.Module) -> tuple[dict[cst.CSTNode, cst.CSTNode], list[cst.Call]]:
    """Each node's parent, and every Call in source order (outer before inner). A plain walk:
    several times cheaper than libcst's ParentNodeProvider."""
    parents: dict[cst.CSTNode, cst.CSTNode] = {}
    calls: list[cst.Call] = []
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Call):
            calls.append(node)
        children = node.children
        for child in children:
            parents[child] = node
        stack.extend(reversed(children))
    return parents, calls


def _calls_by_span(text: str, calls: list[cst.Call]) -> dict[Span, cst.BaseExpression]:
    """Pair ast's calls, sorted by where they start (outer first), with libcst's in source order.
    Empty when the two do not agree on how many calls there are."""
    from codemod.analysis import parse_quietly, span_of

    tree = parse_quietly(text)
    if tree is None:
        return {}
    lines = text.split("\n")
    spans = sorted(
        (span_of(node, lines) for node in ast.walk(tree) if isinstance(node, ast.Call)),
        key=lambda span: (span.line, span.column, -span.end_line, -span.end_column),
    )
    if len(spans) != len(calls):
        return {}
    return dict(zip(spans, calls))
