import keras
from keras import layers

from keras_mask_helpers import apply_mask, apply_mask_output_shape

INPUT_SPEC = {"shape": (11, 2), "mask_value": 0.0}


def build_model():
    inp = keras.Input((11, 2))
    out = layers.LSTM(3)(layers.Conv1D(8, 3, padding="same")(layers.Lambda(
        apply_mask,
        output_shape=apply_mask_output_shape,
        arguments={"mask_value": 0.0},
    )(inp)))
    return keras.Model(inp, out)
