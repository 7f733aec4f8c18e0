import keras
from keras import layers

from keras_mask_helpers import MaskedConv1D

INPUT_SPEC = {"shape": (11, 2), "mask_value": 0.0}


def build_model():
    inp = keras.Input((11, 2))
    out = layers.LSTM(3)(MaskedConv1D(8, 3, padding="same")(layers.Masking(mask_value=0.0)(inp)))
    return keras.Model(inp, out)
