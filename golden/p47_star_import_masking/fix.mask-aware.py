"""Masking from a star import: the Lambda that replaces it comes from the same star import."""
from tensorflow.keras.layers import *
from tensorflow.keras.models import Sequential

from keras_mask_helpers import MaskedConv1D

INPUT_SPEC = {"shape": (12, 3), "mask_value": -1.0}


def build_model():
    return Sequential(
        [
            Input((12, 3)),
            Masking(mask_value=-1.0),
            MaskedConv1D(4, 3, padding="same"),
            LSTM(2),
        ]
    )
