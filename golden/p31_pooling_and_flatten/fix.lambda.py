import keras
from keras import layers

from keras_mask_helpers import apply_mask, apply_mask_output_shape

INPUT_SPEC = {"shape": (12, 2), "mask_value": 0.0}


def build_model():
    inp = keras.Input((12, 2))
    masked = layers.Lambda(
        apply_mask,
        output_shape=apply_mask_output_shape,
        arguments={"mask_value": 0.0},
    )(inp)
    pooled = layers.MaxPooling1D(2)(masked)
    flat = layers.Flatten()(masked)
    out = layers.Concatenate()([layers.Flatten()(pooled), flat])
    return keras.Model(inp, out)
