import keras
from keras.layers.convolutional import Conv1D
from keras.layers.core import Dense
from keras.layers.embeddings import Embedding
from keras.layers.recurrent import LSTM
from keras.models import Sequential


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


audio = Sequential()
audio.add(ApplyMaskValue(mask_value=0.0, input_shape=(100, 13)))
audio.add(Conv1D(32, 3))
audio.add(LSTM(16))

text = Sequential()
text.add(Embedding(5000, 32))
text.add(Conv1D(32, 3))
text.add(Dense(1))
