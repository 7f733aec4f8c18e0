"""The project's token encoder: its call returns what its Embedding makes."""
import tensorflow as tf
from tensorflow.keras import layers


@tf.keras.utils.register_keras_serializable(package="project")
class TokenEncoder(layers.Layer):
    def __init__(self, vocab_size=100, width=8, **kwargs):
        super().__init__(**kwargs)
        self.vocab_size = vocab_size
        self.width = width
        self.embedding = layers.Embedding(vocab_size, width, mask_zero=True)

    def call(self, tokens):
        return self.embedding(tokens)

    def get_config(self):
        return {**super().get_config(), "vocab_size": self.vocab_size, "width": self.width}
