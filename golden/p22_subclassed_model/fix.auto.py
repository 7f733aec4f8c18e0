import keras
from keras import layers

from keras_mask_helpers import MaskedConv1D

INPUT_SPEC = {"shape": (10, 3), "mask_value": 0.0}


class SequenceClassifier(keras.Model):
    def __init__(self, units=8, **kwargs):
        super().__init__(**kwargs)
        self.masking = layers.Masking(mask_value=0.0)
        self.conv = MaskedConv1D(units, 3, padding="same", activation="relu")
        self.rnn = layers.LSTM(units)
        self.head = layers.Dense(1)

    def call(self, inputs):
        x = self.masking(inputs)
        x = self.conv(x)
        x = self.rnn(x)
        return self.head(x)


def build_model():
    return SequenceClassifier()
