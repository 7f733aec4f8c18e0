"""auto: per finding, mask-aware when a mask consumer waits downstream, else remove when exact,
else lambda; one producer's findings are kept consistent."""

from __future__ import annotations

import textwrap

import pytest

from codemod.rewrite.pipeline import fix_text

CHOICES = {
    "an LSTM after the convolution wants the mask: mask-aware": (
        """\
        from keras import Sequential, layers

        model = Sequential([layers.Masking(-1.0), layers.Conv1D(4, 3), layers.LSTM(2)])
        """,
        ["mask-aware"],
    ),
    "nothing uses the mask and Masking(0) changes nothing: remove": (
        """\
        from keras import Sequential, layers

        model = Sequential([layers.Masking(), layers.Conv1D(4, 3), layers.Dense(2)])
        """,
        ["remove"],
    ),
    "Masking(-1) changes values: lambda keeps them": (
        """\
        from keras import Sequential, layers

        model = Sequential([layers.Masking(-1.0), layers.Conv1D(4, 3), layers.Dense(2)])
        """,
        ["lambda"],
    ),
    "Embedding(mask_zero=True) with no mask user: lambda drops the argument": (
        """\
        from keras import Sequential, layers

        model = Sequential([layers.Embedding(9, 4, mask_zero=True), layers.Conv1D(4, 3)])
        """,
        ["lambda"],
    ),
    "an LSTM on another branch uses the mask: lambda on the conv branch only": (
        """\
        import keras
        from keras import layers

        inp = keras.Input((8, 2))
        masked = layers.Masking()(inp)
        a = layers.Conv1D(4, 3)(masked)
        b = layers.LSTM(4)(masked)
        """,
        ["lambda"],
    ),
    "tf_keras: an LSTM wants the mask, but mask-aware needs Keras 3: lambda, exact": (
        """\
        from tf_keras import Sequential, layers

        model = Sequential([layers.Masking(-1.0), layers.Conv1D(4, 3), layers.LSTM(2)])
        """,
        ["lambda"],
    ),
    "tf_keras: Masking(0) with no mask user is still removed": (
        """\
        from tf_keras import Sequential, layers

        model = Sequential([layers.Masking(), layers.Conv1D(4, 3), layers.Dense(2)])
        """,
        ["remove"],
    ),
    "one producer, a mask-aware branch and a plain branch: the producer stays": (
        """\
        import keras
        from keras import layers

        inp = keras.Input((8, 2))
        masked = layers.Masking()(inp)
        a = layers.LSTM(4)(layers.Conv1D(4, 3, padding="same")(masked))
        b = layers.Flatten()(layers.Conv1D(4, 3)(masked))
        """,
        ["mask-aware", "lambda"],
    ),
}


@pytest.mark.parametrize(("source", "strategies"), CHOICES.values(), ids=CHOICES.keys())
def test_auto_choice(source: str, strategies: list[str]) -> None:
    text = textwrap.dedent(source)
    result = fix_text(text, "auto")
    assert [c.strategy for c in result.changes] == strategies
    assert all(c.summary is not None for c in result.changes)
    assert result.text != text
    assert fix_text(result.text, "auto").text == result.text


def test_auto_says_why_in_each_line() -> None:
    text = textwrap.dedent(CHOICES["an LSTM after the convolution wants the mask: mask-aware"][0])
    (change,) = fix_text(text, "auto").changes
    assert change.summary == "Conv1D -> MaskedConv1D"
    assert change.reason == "the LSTM at line 3 needs the mask"


def test_manual_review_findings_are_reported_not_rewritten() -> None:
    text = textwrap.dedent(
        """\
        from keras import Sequential, layers

        def build(use_mask):
            return Sequential([layers.Embedding(9, 4, mask_zero=use_mask), layers.Conv1D(4, 3)])
        """
    )
    result = fix_text(text, "auto")
    assert result.text == text
    assert [c.strategy for c in result.changes] == ["manual"]


def test_auto_on_keras_2_says_why_lambda() -> None:
    """On Keras 2 the LSTM keeps reading padding, as it always did there: lambda keeps the values
    and says mask-aware was not an option."""
    text = textwrap.dedent(
        CHOICES["tf_keras: an LSTM wants the mask, but mask-aware needs Keras 3: lambda, exact"][0]
    )
    (change,) = fix_text(text, "auto").changes
    assert change.summary == "Masking -> ApplyMaskValue"
    assert change.reason == (
        "exact values: keeps what Masking(-1.0) computed, no layer used its mask; "
        "mask-aware, for the LSTM at line 3, needs Keras 3"
    )
