import keras
from keras import Sequential
from keras.layers import Conv2D, Dense, Flatten, Input, Masking, TimeDistributed


# Mask-aware helpers by keras-mask-codemod, v2: keep them with this model code.
class _MaskedLayer:  # Base of the Masked* layers: masked steps become 0
    def call(self, inputs, mask=None):
        return super().call(self._zeroed(inputs, mask))

    def compute_mask(self, inputs, mask=None):
        """Whole window valid ("valid" padding), else step t * stride valid."""
        if mask is None or not hasattr(self, "strides"):
            return None
        import numpy  # not a tensor: one made here breaks Keras 3.4 with TF

        window = getattr(self, "kernel_size", None) or self.pool_size
        rate = getattr(self, "dilation_rate", None) or (1,) * len(window)
        if self.padding.lower() != "valid":
            window = rate = (1,) * len(window)
        w = numpy.ones(window + (1, 1), "float32")  # kernel of ones
        axis = 1 if self.data_format == "channels_first" else -1
        x = keras.ops.zeros_like(keras.ops.take(inputs, [0], axis), "float32")
        x = keras.ops.moveaxis(self._zeroed(x, mask, 1.0), axis, -1)
        x = keras.ops.conv(x, w, self.strides, "valid", "channels_last", rate)
        return keras.ops.less(keras.ops.squeeze(x, -1), 0.5)

    def _zeroed(self, inputs, mask, fill=0.0):
        if mask is None:
            return inputs
        if len(mask.shape) >= len(inputs.shape):
            raise ValueError(f"mask of shape {mask.shape} does not fit inputs")
        while len(mask.shape) < len(inputs.shape) - 1:
            mask = keras.ops.expand_dims(mask, -1)  # e.g. one value per frame
        first = getattr(self, "data_format", None) == "channels_first"
        keep = keras.ops.expand_dims(mask, 1 if first else -1)
        return keras.ops.where(keep, inputs, keras.ops.full_like(inputs, fill))


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedTimeDistributed(_MaskedLayer, keras.layers.TimeDistributed):
    """TimeDistributed whose output mask has one value per frame, valid iff
    any position in it is (plain TimeDistributed passes a pixel mask on)."""

    def __init__(self, layer, **kwargs):
        super().__init__(layer, **kwargs)
        self.supports_masking = True  # Keras master turns it off

    def call(self, inputs, training=None, mask=None):
        zeroed = self._zeroed(inputs, mask)
        return keras.layers.TimeDistributed.call(self, zeroed, training, mask)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        mask = keras.ops.cast(mask, "bool")
        if len(mask.shape) > 2:
            mask = keras.ops.any(mask, axis=tuple(range(2, len(mask.shape))))
        return mask


video = Sequential([
    Input((8, 32, 32, 3)),
    Masking(mask_value=0.0),
    MaskedTimeDistributed(Conv2D(16, 3)),
    TimeDistributed(Flatten()),
    Dense(4),
])
