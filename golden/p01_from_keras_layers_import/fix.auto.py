"""Masking -> Conv1D -> LSTM in a Sequential list (the warning's classic shape)."""
import keras
from keras.layers import LSTM, Dense, Input, Masking

from keras_mask_helpers import MaskedConv1D

INPUT_SPEC = {"shape": (12, 4), "mask_value": 0.0}


def build_model():
    return keras.Sequential(
        [
            Input(shape=(12, 4)),
            Masking(mask_value=0.0),
            MaskedConv1D(8, 3, padding="same", activation="relu"),
            LSTM(6),
            Dense(1),
        ]
    )
