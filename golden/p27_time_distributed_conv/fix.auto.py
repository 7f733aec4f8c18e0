import keras
from keras import layers

from keras_mask_helpers import MaskedTimeDistributed

INPUT_SPEC = {"shape": (4, 6, 6, 1), "mask_value": 0.0}


def build_model():
    frames = keras.Input(shape=(4, 6, 6, 1))
    x = layers.Masking(mask_value=0.0)(frames)
    x = MaskedTimeDistributed(layers.Conv2D(4, 3, activation="relu"))(x)
    x = layers.TimeDistributed(layers.Flatten())(x)
    x = layers.LSTM(5)(x)
    return keras.Model(frames, x)
