"""The project's own embedding class (text_layers.py) masks; a convolution follows it."""
import keras
from keras import layers
from text_layers import TokenEmbedding

INPUT_SPEC = {"shape": (20,), "dtype": "int32", "vocab": 50}


def build_model():
    tokens = keras.Input((20,), dtype="int32")
    x = TokenEmbedding(50, 8)(tokens)
    x = layers.Conv1D(8, 3, padding="same", activation="relu")(x)
    x = layers.LSTM(4)(x)
    return keras.Model(tokens, layers.Dense(1)(x))
