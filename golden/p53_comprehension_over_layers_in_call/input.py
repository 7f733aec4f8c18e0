"""Convolutions kept in a list attribute and applied by a comprehension in call()."""
import keras
from keras import layers

INPUT_SPEC = {"shape": (20,), "dtype": "int32", "vocab": 100}


class TextCNN(keras.Model):
    def __init__(self, kernel_sizes=(3, 5), **kwargs):
        super().__init__(**kwargs)
        self.embed = layers.Embedding(100, 8, mask_zero=True)
        self.convolutions = [layers.Conv1D(8, k, padding="same") for k in kernel_sizes]
        self.merge = layers.Concatenate()
        self.lstm = layers.LSTM(4)
        self.out = layers.Dense(1)

    def call(self, tokens):
        x = self.embed(tokens)
        branches = [convolution(x) for convolution in self.convolutions]
        return self.out(self.lstm(self.merge(branches)))


def build_model():
    return TextCNN()
