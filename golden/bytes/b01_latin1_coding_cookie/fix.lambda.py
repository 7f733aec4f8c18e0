# -*- coding: latin-1 -*-
# Modèle de séquence: les données sont complétées par des zéros.
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


NOM = "réseau à masque"
INPUT_SPEC = {"shape": (14, 3), "mask_value": 0.0}


def build_model():
    inp = keras.Input(shape=(14, 3))
    x = layers.Lambda(
        apply_mask,
        output_shape=apply_mask_output_shape,
        arguments={"mask_value": 0.0},
    )(inp)
    x = layers.Dropout(0.2)(x)
    x = layers.Dense(5, activation="tanh")(x)
    x = layers.Conv1D(8, 3, padding="same")(x)
    x = layers.GRU(4)(x)
    return keras.Model(inp, x)
