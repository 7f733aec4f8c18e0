import keras
from keras import layers

from keras_mask_helpers import apply_mask, apply_mask_output_shape

INPUT_SPEC = {"shape": (12, 3), "mask_value": 0.0}


def build_model():
    stack = [
        keras.Input((12, 3)),
        layers.Lambda(
            apply_mask,
            output_shape=apply_mask_output_shape,
            arguments={"mask_value": 0.0},
        ),
    ]
    stack.append(layers.Conv1D(8, 3, padding="same"))
    stack += [layers.Dense(4)]
    stack.append(layers.LSTM(3))
    return keras.Sequential(stack)
