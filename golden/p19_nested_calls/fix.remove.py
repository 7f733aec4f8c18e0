import keras
from keras import layers

INPUT_SPEC = {"shape": (11, 2), "mask_value": 0.0}


def build_model():
    inp = keras.Input((11, 2))
    out = layers.LSTM(3)(layers.Conv1D(8, 3, padding="same")(inp))
    return keras.Model(inp, out)
