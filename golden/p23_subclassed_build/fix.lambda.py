import keras
from keras import layers


class Encoder(layers.Layer):
    """A block that builds its sublayers in build()."""

    def build(self, input_shape):
        self.embed = layers.Embedding(100, 16)
        self.conv = layers.Conv1D(16, 3, padding="same")
        self.pool = layers.GlobalAveragePooling1D()

    def call(self, tokens):
        return self.pool(self.conv(self.embed(tokens)))
