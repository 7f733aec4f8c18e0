"""mask-aware: each destroying layer becomes its mask-aware helper with the very same arguments."""

from __future__ import annotations

import pytest

from codemod.rewrite.pipeline import fix_text
from tests.rewrite_cases import dedent, fixed

REWRITES = {
    "the class is swapped, arguments and comments untouched": (
        """\
        from keras import Sequential, layers

        model = Sequential([
            layers.Masking(),
            layers.Conv1D(64, 5, padding="same"),  # features
            layers.LSTM(8),
        ])
        """,
        """\
        from keras import Sequential, layers

        from h import MaskedConv1D

        model = Sequential([
            layers.Masking(),
            MaskedConv1D(64, 5, padding="same"),  # features
            layers.LSTM(8),
        ])
        """,
    ),
    "every destroyer on the way to the consumer; the old import goes": (
        """\
        from keras import Sequential
        from keras.layers import LSTM, Conv1D, Masking, MaxPooling1D

        model = Sequential([Masking(), Conv1D(8, 3), MaxPooling1D(2), LSTM(4)])
        """,
        """\
        from keras import Sequential
        from keras.layers import LSTM, Masking

        from h import MaskedConv1D, MaskedMaxPooling1D

        model = Sequential([Masking(), MaskedConv1D(8, 3), MaskedMaxPooling1D(2), LSTM(4)])
        """,
    ),
    "an alias import is followed": (
        """\
        import keras
        from keras.layers import Conv1D as C, Masking

        model = keras.Sequential([Masking(), C(4, 3), keras.layers.GRU(2)])
        """,
        """\
        import keras
        from keras.layers import Masking

        from h import MaskedConv1D

        model = keras.Sequential([Masking(), MaskedConv1D(4, 3), keras.layers.GRU(2)])
        """,
    ),
    "TimeDistributed(Conv2D) after per-pixel Masking": (
        """\
        import keras
        from keras import layers

        frames = keras.Input((4, 6, 6, 1))
        x = layers.Masking()(frames)
        x = layers.TimeDistributed(layers.Conv2D(4, 3))(x)
        x = layers.TimeDistributed(layers.Flatten())(x)
        x = layers.LSTM(5)(x)
        """,
        """\
        import keras
        from keras import layers

        from h import MaskedTimeDistributed

        frames = keras.Input((4, 6, 6, 1))
        x = layers.Masking()(frames)
        x = MaskedTimeDistributed(layers.Conv2D(4, 3))(x)
        x = layers.TimeDistributed(layers.Flatten())(x)
        x = layers.LSTM(5)(x)
        """,
    ),
    "global pooling ends the mask with a masked max": (
        """\
        from keras import Sequential, layers

        model = Sequential([
            layers.Embedding(50, 8, mask_zero=True),
            layers.Conv1D(8, 3),
            layers.GlobalMaxPooling1D(),
            layers.Dense(1),
        ])
        """,
        """\
        from keras import Sequential, layers

        from h import MaskedConv1D, MaskedGlobalMaxPooling1D

        model = Sequential([
            layers.Embedding(50, 8, mask_zero=True),
            MaskedConv1D(8, 3),
            MaskedGlobalMaxPooling1D(),
            layers.Dense(1),
        ])
        """,
    ),
}

NOT_APPLICABLE = {
    "no sound mask-aware Reshape": (
        """\
        from keras import Sequential, layers

        model = Sequential([layers.Masking(), layers.Reshape((4, 4)), layers.LSTM(2)])
        """,
        "no mask-aware version of Reshape exists",
    ),
    "a user's own layer": (
        """\
        import keras
        from keras import layers


        class MyConv(layers.Layer):
            def call(self, x):
                return x


        model = keras.Sequential([layers.Masking(), MyConv(), layers.LSTM(2)])
        """,
        "MyConv is not a Keras layer",
    ),
    "the class is chosen at run time": (
        """\
        import keras
        from keras import layers

        model = keras.Sequential([layers.Masking()])
        for pooling in (layers.MaxPooling1D, layers.AveragePooling1D):
            model.add(pooling(2))
        model.add(layers.LSTM(2))
        """,
        "chosen at run time (pooling)",
    ),
}


@pytest.mark.parametrize(("before", "after"), REWRITES.values(), ids=REWRITES.keys())
def test_mask_aware_rewrites(before: str, after: str) -> None:
    assert fixed(before, "mask-aware") == dedent(after)


@pytest.mark.parametrize(("source", "reason"), NOT_APPLICABLE.values(), ids=NOT_APPLICABLE.keys())
def test_mask_aware_leaves_the_file_alone_and_says_why(source: str, reason: str) -> None:
    result = fix_text(dedent(source), "mask-aware")
    assert result.text == dedent(source)
    assert any(
        reason in c.reason and c.reason.startswith("mask-aware not applicable: ")
        for c in result.changes
    )
