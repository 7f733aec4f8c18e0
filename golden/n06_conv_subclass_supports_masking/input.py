import keras
from keras import layers


class MaskAwareConv1D(layers.Conv1D):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is not None:
            inputs = inputs * keras.ops.expand_dims(keras.ops.cast(mask, inputs.dtype), -1)
        return super().call(inputs)


model = keras.Sequential([
    keras.Input((10, 3)),
    layers.Masking(),
    MaskAwareConv1D(4, 3, padding="same"),
    layers.LSTM(2),
])
