"""The project's own mask producer (masks.py) feeds a convolution."""
import keras
import masks
from keras import layers

from keras_mask_helpers import MaskedConv1D

INPUT_SPEC = {"shape": (14, 3), "mask_value": 0.0}


def build_model():
    inputs = keras.Input((14, 3))
    x = masks.padding_mask()(inputs)
    x = MaskedConv1D(8, 3, padding="same")(x)
    x = layers.GRU(4)(x)
    return keras.Model(inputs, layers.Dense(1)(x))
