import keras
from keras import layers

from keras_mask_helpers import apply_mask, apply_mask_output_shape

INPUT_SPEC = {"shape": (12, 3), "mask_value": 0.0}


def build_model():
    inp = keras.Input((12, 3))
    masked = layers.Lambda(
        apply_mask,
        output_shape=apply_mask_output_shape,
        arguments={"mask_value": 0.0},
    )(inp)
    narrow = layers.Conv1D(4, 3, padding="same")(masked)
    wide = layers.Conv1D(4, 5, padding="same")(masked)
    return keras.Model(inp, layers.Add()([narrow, wide]))
