from tensorflow import keras


# Keras 2 helpers by keras-mask-codemod, v2: keep them with this model code.
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


# A Keras 2 target (args.txt: TensorFlow 2.15's tf.keras).
INPUT_SPEC = {"shape": (12, 3), "mask_value": -1.0}


def build_model():
    inputs = keras.Input(shape=(12, 3))
    masked = ApplyMaskValue(mask_value=-1.0)(inputs)
    features = keras.layers.Conv1D(8, 3, padding="same")(masked)
    outputs = keras.layers.LSTM(4)(features)
    return keras.Model(inputs, outputs)


def build_shared():
    inputs = keras.Input(shape=(12, 3))
    masked = keras.layers.Masking(mask_value=-1.0)(inputs)
    recurrent = keras.layers.LSTM(4)(masked)
    convolved = keras.layers.Conv1D(4, 3)(ApplyMask()(masked))
    pooled = keras.layers.GlobalMaxPooling1D()(convolved)
    return keras.Model(inputs, keras.layers.Concatenate()([recurrent, pooled]))
