"""The project's base model: it masks the padded steps and ends with an LSTM."""
import keras
from keras import layers


class MaskedSequenceModel(keras.Model):
    def __init__(self, units=8, **kwargs):
        super().__init__(**kwargs)
        self.masking = layers.Masking(mask_value=0.0)
        self.rnn = layers.LSTM(units)
        self.head = layers.Dense(1)
