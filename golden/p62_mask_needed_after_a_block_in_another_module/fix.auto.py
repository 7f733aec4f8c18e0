"""A mask made here crosses a block in blocks.py and is needed by the LSTM after it."""
import keras
from blocks import conv_block
from keras import layers

INPUT_SPEC = {"shape": (12,), "dtype": "int32", "vocab": 50}


def build_model():
    tokens = keras.Input((12,), dtype="int32")
    x = layers.Embedding(50, 8)(tokens)
    x = conv_block(x)
    x = layers.LSTM(6)(x)
    return keras.Model(tokens, layers.Dense(1)(x))
