import keras
from keras import Sequential
from keras.layers import Conv2D, Dense, Flatten, Input, Masking, TimeDistributed


# Mask-aware helpers added by keras-mask-codemod: keep them with this model code.
@keras.utils.register_keras_serializable(package="keras_mask_codemod")
def _spatial_mask(mask, inputs, data_format="channels_last"):
    """Return `mask` as a boolean tensor shaped like the inputs' batch + spatial axes.

    A mask covering only the leading axes (e.g. one value per frame) is broadcast over the
    remaining spatial axes; a mask with more axes than that cannot belong to `inputs`.
    """
    spatial_rank = len(inputs.shape) - 2
    mask = keras.ops.cast(mask, "bool")
    missing_axes = spatial_rank + 1 - len(mask.shape)
    if missing_axes < 0:
        raise ValueError(
            f"A mask of shape {mask.shape} does not fit inputs of shape {inputs.shape}: "
            f"expected at most {spatial_rank + 1} axes (batch and spatial axes, no channels)."
        )
    if missing_axes > 0:
        for _ in range(missing_axes):
            mask = keras.ops.expand_dims(mask, -1)
        channel_axis = -1 if data_format == "channels_last" else 1
        one_channel = keras.ops.take(inputs, 0, axis=channel_axis)
        mask = keras.ops.logical_and(mask, keras.ops.ones_like(one_channel, dtype="bool"))
    return mask


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
def _zero_masked_steps(inputs, mask, data_format="channels_last"):
    """Set every channel of the masked steps to 0 (what `keras.layers.Masking` outputs there).

    Zeroing makes a masked step contribute exactly what a missing step contributes to a
    zero-padded convolution, which is why padded and unpadded sequences then agree.
    """
    if mask is None:
        return inputs
    channel_axis = -1 if data_format == "channels_last" else 1
    keep = keras.ops.expand_dims(_spatial_mask(mask, inputs, data_format), channel_axis)
    return keras.ops.where(keep, inputs, keras.ops.zeros_like(inputs))


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedTimeDistributed(keras.layers.TimeDistributed):
    """TimeDistributed whose output mask has one value per frame, shape (batch, time).

    Plain TimeDistributed passes a per-position mask, e.g. (batch, time, height, width) from
    Masking on video, on unchanged: its shape no longer fits the output and a following RNN
    fails. Here masked input positions are zeroed, the wrapped layer runs (receiving the mask if
    it accepts one), and a frame is valid iff any position in it is valid.
    """

    def __init__(self, layer, **kwargs):
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    def call(self, inputs, training=None, mask=None):
        zeroed = _zero_masked_steps(inputs, mask)
        return super().call(zeroed, training=training, mask=mask)

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
