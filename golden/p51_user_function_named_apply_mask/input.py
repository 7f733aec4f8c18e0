"""The file has its own apply_mask, a name the lambda helpers need: fix refuses, naming it."""

from tensorflow import keras
from tensorflow.keras import layers


def apply_mask(values, keep):
    """The project's own helper: multiply by a 0/1 mask."""
    return values * keep


def build_model():
    return keras.Sequential(
        [
            keras.Input((12, 3)),
            layers.Masking(mask_value=-1.0),
            layers.Conv1D(8, 3, padding="same"),
            layers.GlobalMaxPooling1D(),
        ]
    )
