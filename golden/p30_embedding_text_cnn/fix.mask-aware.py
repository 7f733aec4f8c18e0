import keras
from keras import layers

from keras_mask_helpers import MaskedConv1D, MaskedGlobalMaxPooling1D

INPUT_SPEC = {"shape": (20,), "dtype": "int32", "vocab": 50}


def build_model():
    tokens = keras.Input(shape=(20,), dtype="int32")
    x = layers.Embedding(50, 8, mask_zero=True)(tokens)
    x = MaskedConv1D(8, 5, activation="relu")(x)
    x = MaskedGlobalMaxPooling1D()(x)
    x = layers.Dense(4, activation="relu")(x)
    out = layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(tokens, out)
