"""Encoder layers of the project whose output has no mask: nothing reaches the convolutions."""
import keras
from keras import layers

from text_encoders import ConvEncoder, ScaledEncoder

INPUT_SPEC = {"shape": (20,), "dtype": "int32", "vocab": 100}


def build_model():
    tokens = keras.Input((20,), dtype="int32")
    a = layers.Conv1D(8, 3, padding="same")(ScaledEncoder()(tokens))
    b = layers.Conv1D(8, 3, padding="same")(ConvEncoder()(tokens))
    x = layers.Concatenate()([a, b])
    return keras.Model(tokens, layers.Dense(1)(layers.GlobalMaxPooling1D()(x)))
