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
