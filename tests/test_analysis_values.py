"""Joining values at branches stays small: equal constants count once, and a variable with more
alternatives than any model has becomes unknown (deep `a if c else b if d else ...` chains
made the analysis cubic before)."""

from __future__ import annotations

from codemod.analysis import analyze
from codemod.analysis.values import MAX_OPTIONS, UNKNOWN, Alt, Const, Layer, Trace, join


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


def test_a_trace_remembers_the_layers_it_passed_in_order() -> None:
    producer, first, second = (Layer(name, None, None) for name in ("Masking", "Dense", "GRU"))
    trace = Trace(producer).through(first).through(second, doubt="maybe")
    assert trace.chain == (first, second) and trace.doubt == "maybe"
    assert Trace(producer).chain == ()


def test_a_sequential_list_of_twenty_thousand_layers_is_analysed() -> None:
    """Each step used to copy the whole chain so far: quadratic in the list's length."""
    text = (
        "from keras import Sequential, layers\nmodel = Sequential([\n    layers.Masking(),\n"
        + "    layers.Dense(4),\n" * 20_000
        + "    layers.Conv1D(4, 3),\n    layers.LSTM(2),\n])\n"
    )
    [finding] = analyze(text)
    assert finding.code.value == "KMC101" and len(finding.chain) == 20_000
