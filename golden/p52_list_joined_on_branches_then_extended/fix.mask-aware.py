"""TensorFlow's text-classification tutorial shape: the list starts on two branches, then grows."""
import tensorflow as tf
from tensorflow.keras import layers

from keras_mask_helpers import MaskedConv1D, MaskedGlobalMaxPooling1D

INPUT_SPEC = {"shape": (20,), "dtype": "int32", "vocab": 1000}


def build_model(vectorizer=None):
    my_layers = []
    if vectorizer is not None:
        my_layers = [vectorizer]
    my_layers.extend(
        [
            layers.Embedding(1000, 16, mask_zero=True),
            layers.Dropout(0.5),
            MaskedConv1D(16, 3, activation="relu"),
            MaskedGlobalMaxPooling1D(),
            layers.Dense(1),
        ]
    )
    return tf.keras.Sequential(my_layers)
