import keras
from keras import layers

from keras_mask_helpers import MaskedConv1D

INPUT_SPEC = {"shape": (12, 3), "mask_value": 0.0}


def build_model():
    inp = keras.Input((12, 3))
    x = layers.Masking()(inp)
    x = layers.Bidirectional(layers.LSTM(4, return_sequences=True))(x)
    x = MaskedConv1D(4, 3, padding="same")(x)
    x = layers.LSTM(2)(x)
    return keras.Model(inp, x)
