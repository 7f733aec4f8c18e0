import tensorflow as tf


# Keras 2 helpers by keras-mask-codemod, v2: keep them with this model code.
@tf.keras.utils.register_keras_serializable("keras_mask_codemod")
def apply_mask(x, mask_value=0.0):
    """What Keras 2's Masking(mask_value) outputs for `x`, without a mask: each
    step times 1, or times 0 when ALL its features equal `mask_value`, so
    every value (-0.0 and NaN included) is the one Masking gives."""
    backend = tf.keras.backend
    keep = backend.any(backend.not_equal(x, mask_value), -1, keepdims=True)
    return x * backend.cast(keep, x.dtype)


@tf.keras.utils.register_keras_serializable("keras_mask_codemod")
class ApplyMaskValue(tf.keras.layers.Layer):
    """Masking's values without its mask: Masking's arguments, `apply_mask`'s
    output, so the model computes what it did and no mask is left to drop."""

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value

    def call(self, inputs):
        return apply_mask(inputs, self.mask_value)

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}


# A Keras 2 target (args.txt: TensorFlow 2.15's tf.keras).
INPUT_SPEC = {"shape": (16, 4), "mask_value": 0.0}


def build_model():
    return tf.keras.Sequential([
        ApplyMaskValue(mask_value=0.0, input_shape=(16, 4)),
        tf.keras.layers.Conv1D(8, 3, activation="relu"),
        tf.keras.layers.GlobalMaxPooling1D(),
        tf.keras.layers.Dense(1),
    ])
