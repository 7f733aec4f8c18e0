"""Masking -> Conv1D -> LSTM in a Sequential list (the warning's classic shape)."""
import keras
from keras.layers import LSTM, Conv1D, Dense, Input, Lambda

from keras_mask_helpers import apply_mask, apply_mask_output_shape

INPUT_SPEC = {"shape": (12, 4), "mask_value": 0.0}


def build_model():
    return keras.Sequential(
        [
            Input(shape=(12, 4)),
            Lambda(
                apply_mask,
                output_shape=apply_mask_output_shape,
                arguments={"mask_value": 0.0},
            ),
            Conv1D(8, 3, padding="same", activation="relu"),
            LSTM(6),
            Dense(1),
        ]
    )
