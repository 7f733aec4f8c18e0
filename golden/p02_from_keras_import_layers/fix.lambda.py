import keras
from keras import layers

from keras_mask_helpers import apply_mask, apply_mask_output_shape

INPUT_SPEC = {"shape": (10, 3), "mask_value": -1.0}


def build_model():
    model = keras.Sequential([
        keras.Input(shape=(10, 3)),
        layers.Lambda(
            apply_mask,
            output_shape=apply_mask_output_shape,
            arguments={"mask_value": -1.0},
        ),
        layers.Conv1D(16, 3, padding="causal"),  # the mask stops here
        layers.GlobalAveragePooling1D(),
        layers.Dense(2, activation="softmax"),
    ])
    return model
