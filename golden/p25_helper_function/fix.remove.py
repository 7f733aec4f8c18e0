import keras
from keras import layers

INPUT_SPEC = {"shape": (16, 3), "mask_value": 0.0}


def conv_block(x, filters):
    x = layers.Conv1D(filters, 3, padding="same", activation="relu")(x)
    x = layers.BatchNormalization()(x)
    return x


def build_model():
    inp = keras.Input((16, 3))
    x = conv_block(inp, 8)
    x = layers.LSTM(4)(x)
    return keras.Model(inp, x)
