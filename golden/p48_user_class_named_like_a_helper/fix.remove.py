import keras
from keras import layers

INPUT_SPEC = {"shape": (12, 3), "mask_value": 0.0}


class MaskedConv1D(layers.Conv1D):
    """The project's own "masked" convolution: named like a keras-mask-codemod helper, but it
    neither supports masking nor computes a mask, so the Masking before it is lost."""

    def call(self, inputs):
        return super().call(inputs)


def build_model():
    inp = keras.Input((12, 3))
    x = MaskedConv1D(4, 3, padding="same")(inp)
    x = layers.LSTM(2)(x)
    return keras.Model(inp, x)
