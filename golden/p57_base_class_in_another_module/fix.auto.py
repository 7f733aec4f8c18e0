"""A subclass adds a convolution between its base's Masking and LSTM (base.py)."""
from base import MaskedSequenceModel

from keras_mask_helpers import MaskedConv1D

INPUT_SPEC = {"shape": (10, 3), "mask_value": 0.0}


class ConvSequenceModel(MaskedSequenceModel):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.conv = MaskedConv1D(8, 3, padding="same", activation="relu")

    def call(self, inputs):
        return self.head(self.rnn(self.conv(self.masking(inputs))))


def build_model():
    return ConvSequenceModel()
