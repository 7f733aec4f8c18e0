"""SourceIndex finds calls by their rank in source order; it must agree with libcst's positions."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from codemod.analysis.findings import Span
from codemod.rewrite.syntax import SourceIndex
from tests.golden import GOLDEN

AWKWARD = """\
@decorate(arg())
def f(a=g(), *args, k=h(), **kw):
    x = [i(j) for j in k()] if c(d) else e(f(g)(h))
    y = {"é": m(n)}, f"{p(q)!r:>{w(z)}}"
    return (yield r(s)), lambda t=u(): v(t), call(*a(), **b(), key=c())
"""


def positions_of_calls(index: SourceIndex) -> dict[Span, cst.Call]:
    positions = MetadataWrapper(index.module, unsafe_skip_copy=True).resolve(PositionProvider)
    return {
        Span(where.start.line, where.start.column, where.end.line, where.end.column): node
        for node, where in positions.items()
        if isinstance(node, cst.Call)
    }


def test_calls_by_rank_match_libcst_positions() -> None:
    texts = [AWKWARD] + [path.read_text() for path in sorted(GOLDEN.glob("*/*.py"))]
    for text in texts:
        index = SourceIndex(text)
        index._index_everything()
        assert not index._positions_resolved, "ranks and statements should agree here"
        by_rank = {span: node for span, node in index._by_span.items()}
        assert by_rank == positions_of_calls(index), text[:80]


def test_a_lookup_walks_only_the_statement_holding_it() -> None:
    """A big file is walked only where the findings are; any call is still found exactly."""
    filler = "".join(f"def f{n}(x):\n    return g(x) + h({n})\n\n" for n in range(100))
    text = filler + "@deco(a())\nclass M: x = k(1); y = m(2)\n" + filler
    index = SourceIndex(text)
    expected = positions_of_calls(index)
    line = 302  # `class M: ...`, the decorator is on line 301
    for span in [s for s in expected if s.line in (301, line)]:
        assert index.call(span) is expected[span]
    walked = {node for node in index._parents.values() if isinstance(node, cst.FunctionDef)}
    assert not walked, "statements without a lookup stay unwalked"
    assert index.parent(expected[Span(302, 13, 302, 17)]) is not None
    assert not index._positions_resolved


def test_other_expressions_fall_back_to_positions() -> None:
    index = SourceIndex("model = Sequential([masking, conv])\n")
    name = index.expression(Span(1, 20, 1, 27))
    assert isinstance(name, cst.Name) and name.value == "masking"
