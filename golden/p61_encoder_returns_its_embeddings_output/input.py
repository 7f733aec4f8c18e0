"""The encoder's output keeps its Embedding's mask when the model runs, not while it is built."""
import tensorflow as tf
from tensorflow.keras import layers

from text_encoders import TokenEncoder

INPUT_SPEC = {"shape": (20,), "dtype": "int32", "vocab": 100}


def build_model():
    tokens = tf.keras.Input((20,), dtype="int32")
    x = TokenEncoder()(tokens)
    x = layers.Conv1D(8, 3, padding="same", activation="relu")(x)
    x = layers.LSTM(8)(x)
    return tf.keras.Model(tokens, layers.Dense(1)(x))
