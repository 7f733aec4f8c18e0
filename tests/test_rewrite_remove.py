"""remove: Masking is deleted where that is exact, in every place a layer can be applied."""

from __future__ import annotations

import pytest

from tests.rewrite_cases import dedent, fixed

REWRITES = {
    "sequential list, last use of the import": (
        """\
        from keras import Sequential
        from keras.layers import Conv1D, Masking

        model = Sequential([Masking(), Conv1D(2, 3)])
        """,
        """\
        from keras import Sequential
        from keras.layers import Conv1D

        model = Sequential([Conv1D(2, 3)])
        """,
    ),
    "last list item keeps the trailing-comma style": (
        """\
        from keras import Input, Sequential, layers

        model = Sequential([
            Input((5, 2)),
            # masking
            layers.Masking(mask_value=0),
        ])
        model.add(layers.Conv1D(2, 3))
        """,
        """\
        from keras import Input, Sequential, layers

        model = Sequential([
            Input((5, 2)),
            # masking
        ])
        model.add(layers.Conv1D(2, 3))
        """,
    ),
    "add() line goes, its comment stays": (
        """\
        from keras import Sequential, layers

        model = Sequential()
        # pad with zeros
        model.add(layers.Masking())
        model.add(layers.Conv1D(2, 3))
        """,
        """\
        from keras import Sequential, layers

        model = Sequential()
        # pad with zeros
        model.add(layers.Conv1D(2, 3))
        """,
    ),
    "functional chain is rewired to Masking's input": (
        """\
        import keras
        from keras import layers

        inp = keras.Input((8, 2))
        x = layers.Masking()(inp)
        x = layers.Conv1D(4, 3)(x)
        model = keras.Model(inp, x)
        """,
        """\
        import keras
        from keras import layers

        inp = keras.Input((8, 2))
        x = layers.Conv1D(4, 3)(inp)
        model = keras.Model(inp, x)
        """,
    ),
    "a named masked tensor becomes an alias of the input": (
        """\
        import keras
        from keras import layers

        inp = keras.Input((8, 2))
        masked = layers.Masking()(inp)
        a = layers.Conv1D(4, 3)(masked)
        model = keras.Model(inp, a)
        """,
        """\
        import keras
        from keras import layers

        inp = keras.Input((8, 2))
        masked = inp
        a = layers.Conv1D(4, 3)(masked)
        model = keras.Model(inp, a)
        """,
    ),
    "nested call": (
        """\
        import keras
        from keras import layers

        inp = keras.Input((8, 2))
        model = keras.Model(inp, layers.Conv1D(4, 3)(layers.Masking()(inp)))
        """,
        """\
        import keras
        from keras import layers

        inp = keras.Input((8, 2))
        model = keras.Model(inp, layers.Conv1D(4, 3)(inp))
        """,
    ),
    "subclass: __init__ attribute and call() use": (
        """\
        import keras
        from keras import layers


        class Net(keras.Model):
            def __init__(self):
                super().__init__()
                self.masking = layers.Masking()
                self.conv = layers.Conv1D(4, 3)

            def call(self, inputs):
                x = self.masking(inputs)
                return self.conv(x)
        """,
        """\
        import keras
        from keras import layers


        class Net(keras.Model):
            def __init__(self):
                super().__init__()
                self.conv = layers.Conv1D(4, 3)

            def call(self, inputs):
                x = inputs
                return self.conv(x)
        """,
    ),
}

NOT_APPLICABLE = {
    "mask value changes values": (
        """\
        from keras import Sequential, layers

        model = Sequential([layers.Masking(-1.0), layers.Conv1D(2, 3)])
        """,
        "mask_value is -1.0",
    ),
    "another branch uses the mask": (
        """\
        import keras
        from keras import layers

        inp = keras.Input((8, 2))
        masked = layers.Masking()(inp)
        a = layers.Conv1D(4, 3)(masked)
        b = layers.LSTM(4, return_sequences=True)(masked)
        model = keras.Model(inp, layers.Concatenate()([a, b]))
        """,
        "the LSTM at line 7 uses it",
    ),
    "an Embedding cannot be removed": (
        """\
        from keras import Sequential, layers

        model = Sequential([layers.Embedding(9, 4, mask_zero=True), layers.Conv1D(2, 3)])
        """,
        "only a Masking layer can be removed",
    ),
    "the layer object is used elsewhere": (
        """\
        import keras
        from keras import layers

        masking = layers.Masking()
        inp = keras.Input((8, 2))
        x = layers.Conv1D(4, 3)(masking(inp))
        print(masking.mask_value)
        """,
        "referred to elsewhere",
    ),
}


@pytest.mark.parametrize(("before", "after"), REWRITES.values(), ids=REWRITES.keys())
def test_remove_rewrites(before: str, after: str) -> None:
    assert fixed(before, "remove") == dedent(after)


@pytest.mark.parametrize(("source", "reason"), NOT_APPLICABLE.values(), ids=NOT_APPLICABLE.keys())
def test_remove_leaves_the_file_alone_and_says_why(source: str, reason: str) -> None:
    from codemod.rewrite.pipeline import fix_text

    result = fix_text(dedent(source), "remove")
    assert result.text == dedent(source)
    assert result.changes and all(c.summary is None for c in result.changes)
    assert any(
        reason in c.reason and c.reason.startswith("remove not applicable: ")
        for c in result.changes
    )
