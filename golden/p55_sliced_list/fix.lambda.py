"""A list of layers sliced before it becomes a Sequential: removing Masking would shift it."""
import keras
from keras import layers

from keras_mask_helpers import apply_mask, apply_mask_output_shape

INPUT_SPEC = {"shape": (12, 3), "mask_value": 0.0}


def build_model():
    stack = [
        layers.Lambda(
            apply_mask,
            output_shape=apply_mask_output_shape,
            arguments={"mask_value": 0.0},
        ),
        layers.Dense(4),
        layers.Conv1D(4, 3, padding="same"),
    ]
    head = [layers.Dense(4, activation="relu")]
    return keras.Sequential([keras.Input((12, 3)), *stack[:1], *stack[2:], *head, layers.LSTM(3)])
