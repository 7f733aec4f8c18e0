"""Padded sensor sequences: Masking -> Conv1D -> LSTM. The LSTM never sees the mask."""
import keras
from keras import layers


def build_model(timesteps=50, features=6):
    model = keras.Sequential(
        [
            keras.Input(shape=(timesteps, features)),
            layers.Masking(mask_value=-1.0),
            layers.Conv1D(32, 5, padding="same", activation="relu"),
            layers.MaxPooling1D(2),
            layers.LSTM(16),
            layers.Dense(1),
        ]
    )
    return model
