import keras
from keras import layers


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedConv1D(layers.Conv1D):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.supports_masking = True


model = keras.Sequential([
    keras.Input((10, 3)),
    layers.Masking(),
    MaskedConv1D(4, 3, padding="same"),
    layers.LSTM(2),
])
