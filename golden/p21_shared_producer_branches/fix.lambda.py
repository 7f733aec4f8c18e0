import keras
from keras import layers

from keras_mask_helpers import ApplyMask

INPUT_SPEC = {"shape": (12, 3), "mask_value": 0.0}


def build_model():
    inp = keras.Input((12, 3))
    masked = layers.Masking()(inp)
    recurrent = layers.LSTM(4)(masked)
    convolved = layers.Conv1D(4, 3, padding="same")(ApplyMask()(masked))
    pooled = layers.GlobalMaxPooling1D()(convolved)
    out = layers.Concatenate()([recurrent, pooled])
    return keras.Model(inp, out)
