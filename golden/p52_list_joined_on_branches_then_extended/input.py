"""TensorFlow's text-classification tutorial shape: the list starts on two branches, then grows."""
import tensorflow as tf
from tensorflow.keras import layers

INPUT_SPEC = {"shape": (20,), "dtype": "int32", "vocab": 1000}


def build_model(vectorizer=None):
    my_layers = []
    if vectorizer is not None:
        my_layers = [vectorizer]
    my_layers.extend(
        [
            layers.Embedding(1000, 16, mask_zero=True),
            layers.Dropout(0.5),
            layers.Conv1D(16, 3, activation="relu"),
            layers.GlobalMaxPooling1D(),
            layers.Dense(1),
        ]
    )
    return tf.keras.Sequential(my_layers)
