"""Joining values at branches stays small: equal constants count once, and a variable with more
alternatives than any model has becomes unknown (deep `a if c else b if d else ...` chains
made the analysis cubic before)."""

from __future__ import annotations

from codemod.analysis import analyze
from codemod.analysis.values import MAX_OPTIONS, UNKNOWN, Alt, Const, Layer, join


def test_equal_constants_count_once() -> None:
    first = join(Const(1), Const(2))
    again = join(Const(1), first)
    assert isinstance(again, Alt) and [o.value for o in again.options] == [1, 2]


def test_too_many_alternatives_become_unknown() -> None:
    value = Const(0)
    for number in range(1, MAX_OPTIONS + 1):
        value = join(Const(number), value)
    assert value is UNKNOWN


def test_distinct_layers_stay_distinct() -> None:
    conv, pool = Layer("Conv1D", None, None), Layer("MaxPooling1D", None, None)
    joined = join(conv, pool)
    assert isinstance(joined, Alt) and joined.options == (conv, pool)


def test_a_thousands_deep_conditional_chain_is_analysed() -> None:
    text = (
        "from keras import layers\n"
        "steps = " + "1 if a else " * 3000 + "2\n"
        "x = layers.Masking()(inputs)\nx = layers.Conv1D(4, 3)(x)\nx = layers.LSTM(2)(x)\n"
    )
    assert [finding.code.value for finding in analyze(text)] == ["KMC101"]
