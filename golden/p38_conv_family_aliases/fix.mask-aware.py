import keras
from keras import layers

from keras_mask_helpers import (
    MaskedConv1D,
    MaskedConv1DTranspose,
    MaskedDepthwiseConv1D,
    MaskedSeparableConv1D,
)

INPUT_SPEC = {"shape": (12, 4), "mask_value": 0.0}


def build_model():
    inp = keras.Input((12, 4))
    m = layers.Masking()(inp)
    a = MaskedConv1D(4, 3, padding="same")(m)
    b = MaskedSeparableConv1D(4, 3, padding="same")(m)
    c = MaskedDepthwiseConv1D(3, padding="same")(m)
    d = MaskedConv1DTranspose(4, 3, padding="same")(m)
    return keras.Model(inp, layers.Concatenate()([a, b, c, d]))
