"""A model file fixed by keras-mask-codemod version 1: its pasted helpers were edited by hand."""

from tensorflow import keras
from tensorflow.keras import layers

INPUT_SPEC = {"shape": (12, 3), "mask_value": 0.0}


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
def _spatial_axes(inputs, data_format="channels_last"):
    """Indices of the spatial axes of `inputs` (every axis but batch and channels)."""
    rank = len(inputs.shape)
    if data_format == "channels_last":
        return tuple(range(1, rank - 1))
    return tuple(range(2, rank))


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
def _window_output_mask(
    mask, inputs, window, strides, padding, dilation_rate=None, data_format="channels_last"
):
    """Output mask of a convolution or pooling window sliding over a masked input.

    - padding "valid": an output step is valid iff EVERY input step its window covers (window,
      strides, dilation) is valid.
    - padding "same" or "causal": an output step is valid iff the input step its window is
      anchored at (index t * stride on each spatial axis) is valid. With stride 1 this keeps the
      input mask. (With "same" and stride > 1 Keras pads by an amount that depends on the
      length, so padded and unpadded sequences may place windows differently.)

    For right-padded sequences these rules mark valid exactly the output steps the unpadded
    sequence has, and at those steps the zeroed padding stands where Keras pads the unpadded
    sequence with zeros, so the values agree. The mask has the output's batch + spatial shape
    in either data format. Both rules look for an invalid step under a window: the whole window
    for "valid", a one-step window (the anchor) otherwise.
    """
    if mask is None:
        return None
    mask = _spatial_mask(mask, inputs, data_format)
    if str(padding).lower() != "valid":
        window, dilation_rate = (1,) * len(strides), None
    invalid = keras.ops.expand_dims(keras.ops.cast(keras.ops.logical_not(mask), "float32"), -1)
    return keras.ops.logical_not(_any_under_window(invalid, window, strides, dilation_rate))


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
def _any_under_window(flags, window, strides, dilation_rate=None):
    """Whether any of the 0/1 `flags` (batch, spatial..., 1) is set under each window, with
    "valid" padding; returns (batch, output spatial...) booleans."""
    if dilation_rate is None:
        dilation_rate = (1,) * len(window)
    hits = keras.ops.conv(
        flags,
        _ones_kernel(tuple(window) + (1, 1)),
        strides=tuple(strides),
        padding="valid",
        dilation_rate=tuple(dilation_rate),
        data_format="channels_last",
    )
    return keras.ops.greater(keras.ops.squeeze(hits, -1), 0.5)


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
def _ones_kernel(shape):
    """A convolution kernel of ones, as a NumPy array rather than a tensor.

    Keras converts it wherever the op runs. A tensor made here, while TensorFlow traces the first
    call of a model built lazily (a Sequential without an Input), would belong to that trace's
    graph, and Keras 3.4 then replays it outside the graph and fails.
    """
    import numpy  # Keras depends on NumPy; importing here adds nothing to the module's imports.

    return numpy.ones(shape, dtype="float32")


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedConv1D(keras.layers.Conv1D):
    """Conv1D that uses and passes on a Keras mask (same arguments as Conv1D).

    Masked input steps are zeroed before the convolution; the output mask follows
    `_window_output_mask` (valid: whole window valid; same/causal: anchor step valid).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        # Edited by hand: scale before the convolution.
        inputs = inputs * 0.5
        return super().call(_zero_masked_steps(inputs, mask, self.data_format))

    def compute_mask(self, inputs, mask=None):
        return _window_output_mask(
            mask,
            inputs,
            self.kernel_size,
            self.strides,
            self.padding,
            self.dilation_rate,
            self.data_format,
        )


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
def _masked_global_max(inputs, mask, data_format="channels_last", keepdims=False):
    """Max over the valid steps of each sample, 0 for a sample without any valid step."""
    axes = _spatial_axes(inputs, data_format)
    if mask is None:
        return keras.ops.max(inputs, axis=axes, keepdims=keepdims)
    channel_axis = -1 if data_format == "channels_last" else 1
    keep = keras.ops.expand_dims(_spatial_mask(mask, inputs, data_format), channel_axis)
    lowest = keras.ops.full_like(inputs, float("-inf"))
    largest = keras.ops.max(keras.ops.where(keep, inputs, lowest), axis=axes, keepdims=keepdims)
    any_valid = keras.ops.any(keep, axis=axes, keepdims=keepdims)
    return keras.ops.where(any_valid, largest, keras.ops.zeros_like(largest))


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedGlobalMaxPooling1D(keras.layers.GlobalMaxPooling1D):
    """GlobalMaxPooling1D over valid steps only (0 if none); the mask ends here."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        return _masked_global_max(inputs, mask, self.data_format, self.keepdims)

    def compute_mask(self, inputs, mask=None):
        return None


def build_model():
    return keras.Sequential([
        keras.Input((12, 3)),
        layers.Masking(),
        MaskedConv1D(8, 3, padding="same"),
        layers.LSTM(4, return_sequences=True),
        MaskedGlobalMaxPooling1D(),
    ])
