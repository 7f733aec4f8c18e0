"""Encoders whose output carries no mask: each loses its Embedding's mask on the way out."""
import keras
from keras import layers


class ScaledEncoder(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.embedding = layers.Embedding(100, 8, mask_zero=True)

    def call(self, tokens):
        return self.embedding(tokens) * 2.0  # an op on the tensor: a new tensor, no mask


class ConvEncoder(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.embedding = layers.Embedding(100, 8)  # no mask_zero: no mask

    def call(self, tokens):
        return self.embedding(tokens)
