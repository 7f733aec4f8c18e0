from keras import layers, models

from keras_mask_helpers import apply_mask, apply_mask_output_shape


class WeightNormConv1D(layers.Conv1D):
    """A convolution the user extended; it still does not support masking."""

    def call(self, inputs):
        return super().call(inputs)


model = models.Sequential([
    layers.Input((10, 3)),
    layers.Lambda(
        apply_mask,
        output_shape=apply_mask_output_shape,
        arguments={"mask_value": 0.0},
    ),
    WeightNormConv1D(4, 3),
    layers.LSTM(2),
])
