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


INPUT_SPEC = {"shape": (12, 4), "mask_value": 0.0}


def build_model():
    inp = keras.Input((12, 4))
    m = layers.Lambda(
        apply_mask,
        output_shape=apply_mask_output_shape,
        arguments={"mask_value": 0.0},
    )(inp)
    a = layers.Convolution1D(4, 3, padding="same")(m)
    b = layers.SeparableConv1D(4, 3, padding="same")(m)
    c = layers.DepthwiseConv1D(3, padding="same")(m)
    d = layers.Conv1DTranspose(4, 3, padding="same")(m)
    return keras.Model(inp, layers.Concatenate()([a, b, c, d]))
