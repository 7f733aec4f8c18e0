import keras
from keras.layers.convolutional import Conv1D
from keras.layers.core import Dense
from keras.layers.embeddings import Embedding
from keras.layers.recurrent import LSTM
from keras.models import Sequential


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


audio = Sequential()
audio.add(ApplyMaskValue(mask_value=0.0, input_shape=(100, 13)))
audio.add(Conv1D(32, 3))
audio.add(LSTM(16))

text = Sequential()
text.add(Embedding(5000, 32))
text.add(Conv1D(32, 3))
text.add(Dense(1))
