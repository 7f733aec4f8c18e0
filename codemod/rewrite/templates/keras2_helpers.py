"""Keras 2 helpers that keras-mask-codemod copies into code written for Keras 2 (lambda strategy).

Keras 2 is TensorFlow <= 2.15's `tf.keras`, standalone keras 2.x and tf_keras. It has no
`keras.ops`, so these use only what every Keras 2 has: `keras.backend`, `keras.layers.Layer` and
`keras.utils.register_keras_serializable`. `keras` below stands for the Keras 2 module the user's
file already uses: `codemod.rewrite.helper_source` replaces every `keras` name in a definition by
the way that file refers to it (`tf_keras`, `tf.keras`, `keras`...), so tf_keras code never gets
`import keras`, which is Keras 3 wherever tf_keras is installed.

`Masking(mask_value=v)` becomes the registered layer `ApplyMaskValue(mask_value=v)`, not
`Lambda(apply_mask, ...)` as in Keras 3: Keras 2's Lambda saves every Python function as bytecode,
and `.keras` files refuse to load bytecode with the default safe_mode; a registered layer loads.

Formatting, as in the Keras 3 template: each pasted line is one whole statement of at most 79
characters once `keras` is replaced by the longest reference a file gets (`tensorflow.keras`),
which is why the registration package is given positionally here.
"""

import tf_keras as keras  # for the tests that import this template; never imported by the codemod


@keras.utils.register_keras_serializable("keras_mask_codemod")
def apply_mask(x, mask_value=0.0):
    """What Keras 2's Masking(mask_value) outputs for `x`, without a mask: each
    step times 1, or times 0 when ALL its features equal `mask_value`, so
    every value (-0.0 and NaN included) is the one Masking gives."""
    backend = keras.backend
    keep = backend.any(backend.not_equal(x, mask_value), -1, keepdims=True)
    return x * backend.cast(keep, x.dtype)


@keras.utils.register_keras_serializable("keras_mask_codemod")
class ApplyMaskValue(keras.layers.Layer):
    """Masking's values without its mask: Masking's arguments, `apply_mask`'s
    output, so the model computes what it did and no mask is left to drop."""

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value

    def call(self, inputs):
        return apply_mask(inputs, self.mask_value)

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}


@keras.utils.register_keras_serializable("keras_mask_codemod")
class ApplyMask(keras.layers.Layer):
    """Multiply masked steps by 0 and end the mask here (inputs without a mask
    pass unchanged): Masking has zeroed those steps, so no value changes."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return inputs
        backend = keras.backend
        return inputs * backend.expand_dims(backend.cast(mask, inputs.dtype))

    def compute_mask(self, inputs, mask=None):
        return None


@keras.utils.register_keras_serializable("keras_mask_codemod")
class EndMask(keras.layers.Layer):
    """End the mask here without changing any value (the next layer ignored it
    anyway) while another branch from the same producer still gets it."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        return inputs

    def compute_mask(self, inputs, mask=None):
        return None
