from keras import layers, models


class WeightNormConv1D(layers.Conv1D):
    """A convolution the user extended; it still does not support masking."""

    def call(self, inputs):
        return super().call(inputs)


model = models.Sequential([
    layers.Input((10, 3)),
    WeightNormConv1D(4, 3),
    layers.LSTM(2),
])
