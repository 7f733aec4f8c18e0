import keras
from keras import layers

from keras_mask_helpers import apply_mask, apply_mask_output_shape

INPUT_SPEC = {"shape": (10, 3), "mask_value": -1.0}


def build_model():
    inp = keras.Input((10, 3))
    x = layers.Lambda(
        apply_mask,
        output_shape=apply_mask_output_shape,
        arguments={"mask_value": -1},
    )(inp)
    x = layers.Conv1D(4, 3, padding="same")(x)
    return keras.Model(inp, x)


def build_sentinel_model():
    inp = keras.Input((10, 3))
    x = layers.Lambda(
        apply_mask,
        output_shape=apply_mask_output_shape,
        arguments={"mask_value": 999.0},
    )(inp)
    x = layers.Conv1D(4, 3, padding="same")(x)
    return keras.Model(inp, x)
