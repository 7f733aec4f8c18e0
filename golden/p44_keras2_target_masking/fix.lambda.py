from tensorflow import keras


# Keras 2 helpers added by keras-mask-codemod: keep them with this model code.
@keras.utils.register_keras_serializable(package="keras_mask_codemod")
def apply_mask(x, mask_value=0.0):
    """Return what Keras 2's `Masking(mask_value)` outputs for `x`, without attaching a mask.

    Keras 2's Masking multiplies each step by 1, or by 0 when ALL its features equal
    `mask_value`; this does the same, so every value, -0.0 and NaN included, is as it was.
    """
    backend = keras.backend
    keep = backend.any(backend.not_equal(x, mask_value), axis=-1, keepdims=True)
    return x * backend.cast(keep, x.dtype)


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class ApplyMaskValue(keras.layers.Layer):
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


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class ApplyMask(keras.layers.Layer):
    """Multiply masked steps by 0 and end the mask here, explicitly.

    Inputs pass unchanged when no mask arrives. Used on a branch whose next layer would drop the
    mask while another branch from the same Masking still needs it: Masking has zeroed those
    steps already, so no value changes.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return inputs
        backend = keras.backend
        return inputs * backend.expand_dims(backend.cast(mask, inputs.dtype), -1)

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
