"""The mask is made here and destroyed in encoders.py, which this file calls."""
import keras
from encoders import conv_block
from keras import layers

INPUT_SPEC = {"shape": (20,), "dtype": "int32", "vocab": 100}


def build_model():
    tokens = keras.Input((20,), dtype="int32")
    x = layers.Embedding(100, 8, mask_zero=True)(tokens)
    return keras.Model(tokens, layers.Dense(1)(conv_block(x)))
