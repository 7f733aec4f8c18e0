"""Masking from a star import: the Lambda that replaces it comes from the same star import."""
import keras
from tensorflow.keras.layers import *
from tensorflow.keras.models import Sequential


# Mask-aware helpers added by keras-mask-codemod: keep them with this model code.
@keras.utils.register_keras_serializable(package="keras_mask_codemod")
def apply_mask(x, mask_value=0.0):
    """Return what `keras.layers.Masking(mask_value)` outputs for `x`, without attaching a mask.

    A step whose features ALL equal `mask_value` becomes 0; every other step is unchanged. Use as
    `keras.layers.Lambda(apply_mask, output_shape=apply_mask_output_shape,
    arguments={"mask_value": value})`: it keeps Masking's values where the mask itself is lost.
    """
    keep = keras.ops.any(keras.ops.not_equal(x, mask_value), axis=-1, keepdims=True)
    return keras.ops.where(keep, x, keras.ops.zeros_like(x))


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
def apply_mask_output_shape(input_shape):
    """Output shape of `apply_mask`: the input's shape (a named function, so `.keras` reloads)."""
    return tuple(input_shape)


INPUT_SPEC = {"shape": (12, 3), "mask_value": -1.0}


def build_model():
    return Sequential(
        [
            Input((12, 3)),
            Lambda(
                apply_mask,
                output_shape=apply_mask_output_shape,
                arguments={"mask_value": -1.0},
            ),
            Conv1D(4, 3, padding="same"),
            LSTM(2),
        ]
    )
