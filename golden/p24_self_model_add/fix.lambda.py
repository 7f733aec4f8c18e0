import keras
from keras import layers
from keras.models import Sequential


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


class Trainer:
    def __init__(self, steps, features):
        self.model = Sequential()
        self.steps = steps
        self.features = features

    def build_network(self):
        self.model.add(layers.Input((self.steps, self.features)))
        self.model.add(
            layers.Lambda(
                apply_mask,
                output_shape=apply_mask_output_shape,
                arguments={"mask_value": -1.0},
            )
        )
        self.add_features()
        self.model.add(layers.LSTM(8))

    def add_features(self):
        self.model.add(layers.Conv1D(8, 3, padding="same"))
