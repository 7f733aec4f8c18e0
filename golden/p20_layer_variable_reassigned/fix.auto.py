import keras
from keras import layers


# Mask-aware helpers by keras-mask-codemod, v2: keep them with this model code.
@keras.utils.register_keras_serializable(package="keras_mask_codemod")
def apply_mask(x, mask_value=0.0):
    """What `keras.layers.Masking(mask_value)` outputs for `x`, with no mask:
    a step whose features ALL equal `mask_value` becomes 0, others stay."""
    keep = keras.ops.any(keras.ops.not_equal(x, mask_value), -1, keepdims=True)
    return keras.ops.where(keep, x, keras.ops.zeros_like(x))


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
def apply_mask_output_shape(input_shape):
    """Output shape of `apply_mask` (a named function, so `.keras` reloads)."""
    return tuple(input_shape)


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
