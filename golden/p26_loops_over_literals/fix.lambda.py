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


INPUT_SPEC = {"shape": (20, 3), "mask_value": 0.0}


def build_model():
    model = keras.Sequential(
        [
            keras.Input((20, 3)),
            layers.Lambda(
                apply_mask,
                output_shape=apply_mask_output_shape,
                arguments={"mask_value": 0.0},
            ),
        ]
    )
    for filters in (8, 16):
        model.add(layers.Conv1D(filters, 3, padding="same"))
    for pooling in [layers.MaxPooling1D, layers.AveragePooling1D]:
        model.add(pooling(2))
    model.add(layers.LSTM(4))
    return model
