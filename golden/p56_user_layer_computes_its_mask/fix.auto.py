"""A mask producer the user wrote: its compute_mask marks the padded steps."""
import keras
from keras import layers

from keras_mask_helpers import MaskedConv1D

INPUT_SPEC = {"shape": (14, 3), "mask_value": 0.0}


@keras.saving.register_keras_serializable(package="demo")
class PaddingMask(layers.Layer):
    def call(self, inputs):
        return inputs * 1.0  # a new tensor, not the input (Keras 3.4)

    def compute_mask(self, inputs, mask=None):
        return keras.ops.any(keras.ops.not_equal(inputs, 0.0), axis=-1)


def build_model():
    inputs = keras.Input((14, 3))
    x = PaddingMask()(inputs)
    x = MaskedConv1D(8, 3, padding="same", activation="relu")(x)
    x = layers.GRU(4)(x)
    return keras.Model(inputs, layers.Dense(1)(x))
