"""Masking -> Conv1D -> LSTM in a Sequential list (the warning's classic shape)."""
import keras
from keras.layers import LSTM, Conv1D, Dense, Input

INPUT_SPEC = {"shape": (12, 4), "mask_value": 0.0}


def build_model():
    return keras.Sequential(
        [
            Input(shape=(12, 4)),
            Conv1D(8, 3, padding="same", activation="relu"),
            LSTM(6),
            Dense(1),
        ]
    )
