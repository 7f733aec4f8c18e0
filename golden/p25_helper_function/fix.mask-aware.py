import keras
from keras import layers

from keras_mask_helpers import MaskedConv1D

INPUT_SPEC = {"shape": (16, 3), "mask_value": 0.0}


def conv_block(x, filters):
    x = MaskedConv1D(filters, 3, padding="same", activation="relu")(x)
    x = layers.BatchNormalization()(x)
    return x


def build_model():
    inp = keras.Input((16, 3))
    x = layers.Masking()(inp)
    x = conv_block(x, 8)
    x = layers.LSTM(4)(x)
    return keras.Model(inp, x)
