import keras
from keras import layers

from keras_mask_helpers import MaskedConv1D


class Encoder(layers.Layer):
    """A block that builds its sublayers in build()."""

    def build(self, input_shape):
        self.embed = layers.Embedding(100, 16, mask_zero=True)
        self.conv = MaskedConv1D(16, 3, padding="same")
        self.pool = layers.GlobalAveragePooling1D()

    def call(self, tokens):
        return self.pool(self.conv(self.embed(tokens)))
