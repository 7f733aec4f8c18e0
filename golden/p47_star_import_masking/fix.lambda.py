"""Masking from a star import: the Lambda that replaces it comes from the same star import."""
from tensorflow.keras.layers import *
from tensorflow.keras.models import Sequential

from keras_mask_helpers import apply_mask, apply_mask_output_shape

INPUT_SPEC = {"shape": (12, 3), "mask_value": -1.0}


def build_model():
    return Sequential(
        [
            Input((12, 3)),
            Lambda(
                apply_mask,
                output_shape=apply_mask_output_shape,
                arguments={"mask_value": -1.0},
            ),
            Conv1D(4, 3, padding="same"),
            LSTM(2),
        ]
    )
