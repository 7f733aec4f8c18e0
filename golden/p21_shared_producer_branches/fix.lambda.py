import keras
from keras import layers


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
class ApplyMask(keras.layers.Layer):
    """Set masked steps to 0 and end the mask here, explicitly and without a warning.

    Inputs pass unchanged when no mask arrives. Used on a branch whose next layer would drop the
    mask while another branch from the same producer still needs it.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        return _zero_masked_steps(inputs, mask)

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return input_shape


INPUT_SPEC = {"shape": (12, 3), "mask_value": 0.0}


def build_model():
    inp = keras.Input((12, 3))
    masked = layers.Masking()(inp)
    recurrent = layers.LSTM(4)(masked)
    convolved = layers.Conv1D(4, 3, padding="same")(ApplyMask()(masked))
    pooled = layers.GlobalMaxPooling1D()(convolved)
    out = layers.Concatenate()([recurrent, pooled])
    return keras.Model(inp, out)
