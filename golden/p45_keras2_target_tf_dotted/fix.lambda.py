import tensorflow as tf


# Keras 2 helpers added by keras-mask-codemod: keep them with this model code.
@tf.keras.utils.register_keras_serializable(package="keras_mask_codemod")
def apply_mask(x, mask_value=0.0):
    """Return what Keras 2's `Masking(mask_value)` outputs for `x`, without attaching a mask.

    Keras 2's Masking multiplies each step by 1, or by 0 when ALL its features equal
    `mask_value`; this does the same, so every value, -0.0 and NaN included, is as it was.
    """
    backend = tf.keras.backend
    keep = backend.any(backend.not_equal(x, mask_value), axis=-1, keepdims=True)
    return x * backend.cast(keep, x.dtype)


@tf.keras.utils.register_keras_serializable(package="keras_mask_codemod")
class ApplyMaskValue(tf.keras.layers.Layer):
    """Masking's values without its mask: takes Masking's arguments and computes `apply_mask`.

    It replaces a Masking layer whose mask a later layer destroyed, so the model computes
    exactly what it did and no mask is left to drop.
    """

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
