"""lambda: the masking is made explicit where Keras drops it; values stay exactly as they were."""

from __future__ import annotations

import pytest

from codemod.rewrite.fix import fix_text
from tests.rewrite_cases import dedent, fixed

REWRITES = {
    "Masking becomes the named apply_mask Lambda, other arguments kept": (
        """\
        from keras import Sequential, layers

        model = Sequential([layers.Masking(mask_value=999.0, name="pad"), layers.Conv1D(2, 3)])
        """,
        """\
        from keras import Sequential, layers
        from h import apply_mask, apply_mask_output_shape

        model = Sequential([layers.Lambda(
            apply_mask,
            output_shape=apply_mask_output_shape,
            arguments={"mask_value": 999.0},
            name="pad",
        ), layers.Conv1D(2, 3)])
        """,
    ),
    "bare Masking: Lambda imported beside it; the default mask value written out": (
        """\
        from keras import Sequential
        from keras.layers import Conv1D, Masking

        m = Sequential([
            Masking(),
            Conv1D(2, 3),
        ])
        """,
        """\
        from keras import Sequential
        from keras.layers import Conv1D, Lambda
        from h import apply_mask, apply_mask_output_shape

        m = Sequential([
            Lambda(
                apply_mask,
                output_shape=apply_mask_output_shape,
                arguments={"mask_value": 0.0},
            ),
            Conv1D(2, 3),
        ])
        """,
    ),
    "a mask value that is an expression is passed through": (
        """\
        from keras import Sequential, layers

        PAD = -1.0
        model = Sequential([layers.Masking(PAD), layers.Conv1D(2, 3)])
        """,
        """\
        from keras import Sequential, layers
        from h import apply_mask, apply_mask_output_shape

        PAD = -1.0
        model = Sequential([layers.Lambda(
            apply_mask,
            output_shape=apply_mask_output_shape,
            arguments={"mask_value": PAD},
        ), layers.Conv1D(2, 3)])
        """,
    ),
    "Embedding loses mask_zero=True": (
        """\
        from keras import Sequential, layers

        model = Sequential([
            layers.Embedding(100, 8, mask_zero=True),
            layers.Conv1D(4, 3),
        ])
        """,
        """\
        from keras import Sequential, layers

        model = Sequential([
            layers.Embedding(100, 8),
            layers.Conv1D(4, 3),
        ])
        """,
    ),
    "shared Masking: ApplyMask on the destroying branch only": (
        """\
        import keras
        from keras import layers

        inp = keras.Input((8, 2))
        masked = layers.Masking(-1.0)(inp)
        a = layers.Conv1D(4, 3)(masked)
        b = layers.LSTM(4)(masked)
        """,
        """\
        import keras
        from keras import layers
        from h import ApplyMask

        inp = keras.Input((8, 2))
        masked = layers.Masking(-1.0)(inp)
        a = layers.Conv1D(4, 3)(ApplyMask()(masked))
        b = layers.LSTM(4)(masked)
        """,
    ),
    "shared Embedding: EndMask keeps the padding vectors the convolution saw": (
        """\
        import keras
        from keras import layers

        inp = keras.Input((8,), dtype="int32")
        emb = layers.Embedding(50, 4, mask_zero=True)(inp)
        a = layers.Conv1D(4, 3)(emb)
        b = layers.GRU(4)(emb)
        """,
        """\
        import keras
        from keras import layers
        from h import EndMask

        inp = keras.Input((8,), dtype="int32")
        emb = layers.Embedding(50, 4, mask_zero=True)(inp)
        a = layers.Conv1D(4, 3)(EndMask()(emb))
        b = layers.GRU(4)(emb)
        """,
    ),
    "Sequential with a mask user before the destroyer: a line is inserted": (
        """\
        from keras import Sequential, layers

        model = Sequential()
        model.add(layers.Masking(-1.0))
        model.add(layers.BatchNormalization())
        # features
        model.add(layers.Conv1D(4, 3))
        """,
        """\
        from keras import Sequential, layers
        from h import ApplyMask

        model = Sequential()
        model.add(layers.Masking(-1.0))
        model.add(layers.BatchNormalization())
        # features
        model.add(ApplyMask())
        model.add(layers.Conv1D(4, 3))
        """,
    ),
}

NOT_APPLICABLE = {
    "keras-hub embeddings have no argument to drop": (
        """\
        import keras
        from keras_hub.layers import TokenAndPositionEmbedding

        inp = keras.Input((8,), dtype="int32")
        x = TokenAndPositionEmbedding(100, 8, 16, mask_zero=True)(inp)
        x = keras.layers.Conv1D(4, 3)(x)
        """,
        "lambda rewrites Masking and Embedding producers only",
    ),
    "Keras 2 code cannot use the Keras 3 helper": (
        """\
        from tf_keras import Sequential, layers

        model = Sequential([layers.Masking(-1.0), layers.Conv1D(2, 3)])
        """,
        "the helper layers need Keras 3",
    ),
    "a layer cannot be created inside call()": (
        """\
        import keras
        from keras import layers


        class Net(keras.Model):
            def __init__(self):
                super().__init__()
                self.masking = layers.Masking()
                self.conv = layers.Conv1D(4, 3)
                self.rnn = layers.LSTM(4)

            def call(self, inputs):
                x = self.masking(inputs)
                return self.conv(x), self.rnn(x)
        """,
        "a layer cannot be created inside call()",
    ),
}


@pytest.mark.parametrize(("before", "after"), REWRITES.values(), ids=REWRITES.keys())
def test_lambda_rewrites(before: str, after: str) -> None:
    assert fixed(before, "lambda") == dedent(after)


@pytest.mark.parametrize(("source", "reason"), NOT_APPLICABLE.values(), ids=NOT_APPLICABLE.keys())
def test_lambda_leaves_the_file_alone_and_says_why(source: str, reason: str) -> None:
    result = fix_text(dedent(source), "lambda")
    assert result.text == dedent(source)
    assert any(
        reason in c.reason and c.reason.startswith("lambda not applicable: ")
        for c in result.changes
    )
