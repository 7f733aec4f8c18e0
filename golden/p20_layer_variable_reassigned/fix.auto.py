import keras
from keras import layers

from keras_mask_helpers import apply_mask, apply_mask_output_shape

INPUT_SPEC = {"shape": (12, 4), "mask_value": -1.0}


def build_model():
    masker = layers.Lambda(
        apply_mask,
        output_shape=apply_mask_output_shape,
        arguments={"mask_value": -1.0},
    )
    conv = layers.Conv1D(8, 3, padding="valid")
    inp = keras.Input((12, 4))
    h = masker(inp)
    h = conv(h)
    conv = layers.Dense(2)  # reassigned: this name no longer means the convolution
    h = conv(h)
    return keras.Model(inp, h)
