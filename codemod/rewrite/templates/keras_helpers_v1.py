# Frozen: what keras-mask-codemod pasted as helpers version 1 (a header without a version).
# Never edit it: pasted copies are compared with it, to upgrade unedited ones only.
"""Mask-aware Keras 3 layers and functions that keras-mask-codemod copies into users' files.

Every top-level definition below is emitted verbatim (by `codemod.rewrite.helper_source`) into the
file being rewritten, so each one must read well on its own, use only the public Keras 3 API and
be registered for `.keras` saving with `safe_mode=True`.

Shared guarantee of the Masked* layers: a right-padded, masked batch gives, at every valid output
step (per the output mask), the same values as the same sequences without the padding. Masked
input steps are set to 0 before the wrapped Keras computation, and every output mask has exactly
the output's batch + spatial shape. Masks are (batch, spatial...) with either data_format; where
nothing is masked each helper computes exactly what its Keras layer computes.
"""

import keras


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
def _transposed_output_mask(
    mask,
    inputs,
    kernel_size,
    strides,
    padding,
    output_padding=None,
    dilation_rate=None,
    data_format="channels_last",
):
    """Output mask of a transposed convolution over a masked input.

    - padding "same" without output_padding: output step t is valid iff input step t // stride
      is valid (the mask repeated `stride` times along each spatial axis).
    - padding "valid", or any output_padding: an output step is valid iff at least one valid
      input step contributes to it: a window of the kernel's size finds one in the mask
      spread out by the strides (a transposed convolution spelled as a forward one)
      (keras.ops.conv_transpose cannot be used here: when Keras replays a functional model it
      swaps that op's padding and output_padding arguments, as of Keras 3.15).

    The result has the output's batch + spatial shape.
    """
    if mask is None:
        return None
    mask = _spatial_mask(mask, inputs, data_format)
    padding = str(padding).lower()
    if padding == "same" and output_padding is None:
        for axis, stride in enumerate(strides, start=1):
            mask = keras.ops.repeat(mask, stride, axis=axis)
        return mask
    rank = len(kernel_size)
    if dilation_rate is None:
        dilation_rate = (1,) * rank
    if output_padding is None or isinstance(output_padding, int):
        output_padding = (output_padding,) * rank
    spread = mask
    for axis, stride in enumerate(strides, start=1):
        if stride == 1:
            continue
        # Input step i lands on position i * stride, with stride - 1 invalid steps in between.
        repeated = keras.ops.repeat(spread, stride, axis=axis)
        position = keras.ops.cumsum(keras.ops.ones_like(repeated, dtype="int32"), axis=axis)
        first_of_group = keras.ops.equal((position - 1) % stride, 0)
        spread = keras.ops.logical_and(repeated, first_of_group)
        spread = spread[(slice(None),) * axis + (slice(None, 1 - stride),)]
    counts = keras.ops.expand_dims(keras.ops.cast(spread, "float32"), -1)
    pad_width = [(0, 0)]
    for size, stride, rate, extra in zip(kernel_size, strides, dilation_rate, output_padding):
        span = (size - 1) * rate + 1
        if padding == "valid":
            extra = max(span, stride) - span if extra is None else extra
            pad_width.append((span - 1, span - 1 + extra))
        else:
            total = span + span % 2 - 2 + extra
            left = min(total // 2 + total % 2, span - 1)
            pad_width.append((left, total - left))
    pad_width.append((0, 0))
    counts = keras.ops.pad(counts, pad_width)
    return _any_under_window(counts, kernel_size, (1,) * rank, dilation_rate)


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
class MaskedConv2D(keras.layers.Conv2D):
    """Conv2D that uses and passes on a Keras mask (same arguments as Conv2D).

    Masked input positions are zeroed before the convolution; the output mask follows
    `_window_output_mask` (valid: whole window valid; same: anchor position valid).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
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
class MaskedConv3D(keras.layers.Conv3D):
    """Conv3D that uses and passes on a Keras mask (same arguments as Conv3D).

    Masked input positions are zeroed before the convolution; the output mask follows
    `_window_output_mask` (valid: whole window valid; same: anchor position valid).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
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
class MaskedSeparableConv1D(keras.layers.SeparableConv1D):
    """SeparableConv1D that uses and passes on a Keras mask (same arguments).

    Masked input steps are zeroed before the convolution; the output mask follows
    `_window_output_mask` (valid: whole window valid; same: anchor step valid).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
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
class MaskedSeparableConv2D(keras.layers.SeparableConv2D):
    """SeparableConv2D that uses and passes on a Keras mask (same arguments).

    Masked input positions are zeroed before the convolution; the output mask follows
    `_window_output_mask` (valid: whole window valid; same: anchor position valid).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
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
class MaskedDepthwiseConv1D(keras.layers.DepthwiseConv1D):
    """DepthwiseConv1D that uses and passes on a Keras mask (same arguments).

    Masked input steps are zeroed before the convolution; the output mask follows
    `_window_output_mask` (valid: whole window valid; same: anchor step valid).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
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
class MaskedDepthwiseConv2D(keras.layers.DepthwiseConv2D):
    """DepthwiseConv2D that uses and passes on a Keras mask (same arguments).

    Masked input positions are zeroed before the convolution; the output mask follows
    `_window_output_mask` (valid: whole window valid; same: anchor position valid).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
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
class MaskedConv1DTranspose(keras.layers.Conv1DTranspose):
    """Conv1DTranspose that uses and passes on a Keras mask (same arguments).

    Masked input steps are zeroed first; the output mask follows `_transposed_output_mask`
    (same: input step t // stride valid; valid: some valid input step contributes).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        return super().call(_zero_masked_steps(inputs, mask, self.data_format))

    def compute_mask(self, inputs, mask=None):
        return _transposed_output_mask(
            mask,
            inputs,
            self.kernel_size,
            self.strides,
            self.padding,
            self.output_padding,
            self.dilation_rate,
            self.data_format,
        )


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedConv2DTranspose(keras.layers.Conv2DTranspose):
    """Conv2DTranspose that uses and passes on a Keras mask (same arguments).

    Masked input positions are zeroed first; the output mask follows `_transposed_output_mask`
    (same: input position t // stride valid; valid: some valid input position contributes).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        return super().call(_zero_masked_steps(inputs, mask, self.data_format))

    def compute_mask(self, inputs, mask=None):
        return _transposed_output_mask(
            mask,
            inputs,
            self.kernel_size,
            self.strides,
            self.padding,
            self.output_padding,
            self.dilation_rate,
            self.data_format,
        )


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedConv3DTranspose(keras.layers.Conv3DTranspose):
    """Conv3DTranspose that uses and passes on a Keras mask (same arguments).

    Masked input positions are zeroed first; the output mask follows `_transposed_output_mask`
    (same: input position t // stride valid; valid: some valid input position contributes).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        return super().call(_zero_masked_steps(inputs, mask, self.data_format))

    def compute_mask(self, inputs, mask=None):
        return _transposed_output_mask(
            mask,
            inputs,
            self.kernel_size,
            self.strides,
            self.padding,
            self.output_padding,
            self.dilation_rate,
            self.data_format,
        )


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
def _masked_max_pool(inputs, mask, pool_size, strides, padding, data_format="channels_last"):
    """Max pooling over valid steps only; output steps that are not valid become 0.

    Masked steps are set to -inf so they never win a window. Validity of output steps is the
    `_window_output_mask` rule with `pool_size` as the window.
    """
    if mask is None:
        return keras.ops.max_pool(inputs, pool_size, strides, padding, data_format)
    channel_axis = -1 if data_format == "channels_last" else 1
    keep = keras.ops.expand_dims(_spatial_mask(mask, inputs, data_format), channel_axis)
    lowest = keras.ops.full_like(inputs, float("-inf"))
    pooled = keras.ops.max_pool(
        keras.ops.where(keep, inputs, lowest), pool_size, strides, padding, data_format
    )
    output_mask = _window_output_mask(mask, inputs, pool_size, strides, padding, None, data_format)
    valid = keras.ops.expand_dims(output_mask, channel_axis)
    return keras.ops.where(valid, pooled, keras.ops.zeros_like(pooled))


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
def _masked_average_pool(inputs, mask, pool_size, strides, padding, data_format="channels_last"):
    """Average pooling over valid steps only: pool(x * m) / pool(m), 0 where no step is valid."""
    if mask is None:
        return keras.ops.average_pool(inputs, pool_size, strides, padding, data_format)
    channel_axis = -1 if data_format == "channels_last" else 1
    keep = keras.ops.expand_dims(_spatial_mask(mask, inputs, data_format), channel_axis)
    zeroed = keras.ops.where(keep, inputs, keras.ops.zeros_like(inputs))
    sums = keras.ops.average_pool(zeroed, pool_size, strides, padding, data_format)
    weights = keras.ops.cast(keep, inputs.dtype)
    counts = keras.ops.average_pool(weights, pool_size, strides, padding, data_format)
    has_valid = keras.ops.greater(counts, 0)
    safe_counts = keras.ops.where(has_valid, counts, keras.ops.ones_like(counts))
    return keras.ops.where(has_valid, sums / safe_counts, keras.ops.zeros_like(sums))


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedMaxPooling1D(keras.layers.MaxPooling1D):
    """MaxPooling1D over valid steps only, passing on a mask (same arguments as MaxPooling1D).

    Output mask: `_window_output_mask` with pool_size as the window; invalid output steps are 0.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        return _masked_max_pool(
            inputs, mask, self.pool_size, self.strides, self.padding, self.data_format
        )

    def compute_mask(self, inputs, mask=None):
        return _window_output_mask(
            mask, inputs, self.pool_size, self.strides, self.padding, None, self.data_format
        )


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedMaxPooling2D(keras.layers.MaxPooling2D):
    """MaxPooling2D over valid positions only, passing on a mask (same arguments).

    Output mask: `_window_output_mask` with pool_size as the window; invalid outputs are 0.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        return _masked_max_pool(
            inputs, mask, self.pool_size, self.strides, self.padding, self.data_format
        )

    def compute_mask(self, inputs, mask=None):
        return _window_output_mask(
            mask, inputs, self.pool_size, self.strides, self.padding, None, self.data_format
        )


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedMaxPooling3D(keras.layers.MaxPooling3D):
    """MaxPooling3D over valid positions only, passing on a mask (same arguments).

    Output mask: `_window_output_mask` with pool_size as the window; invalid outputs are 0.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        return _masked_max_pool(
            inputs, mask, self.pool_size, self.strides, self.padding, self.data_format
        )

    def compute_mask(self, inputs, mask=None):
        return _window_output_mask(
            mask, inputs, self.pool_size, self.strides, self.padding, None, self.data_format
        )


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedAveragePooling1D(keras.layers.AveragePooling1D):
    """AveragePooling1D over valid steps only, passing on a mask (same arguments).

    Output mask: `_window_output_mask` with pool_size as the window.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        return _masked_average_pool(
            inputs, mask, self.pool_size, self.strides, self.padding, self.data_format
        )

    def compute_mask(self, inputs, mask=None):
        return _window_output_mask(
            mask, inputs, self.pool_size, self.strides, self.padding, None, self.data_format
        )


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedAveragePooling2D(keras.layers.AveragePooling2D):
    """AveragePooling2D over valid positions only, passing on a mask (same arguments).

    Output mask: `_window_output_mask` with pool_size as the window.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        return _masked_average_pool(
            inputs, mask, self.pool_size, self.strides, self.padding, self.data_format
        )

    def compute_mask(self, inputs, mask=None):
        return _window_output_mask(
            mask, inputs, self.pool_size, self.strides, self.padding, None, self.data_format
        )


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedAveragePooling3D(keras.layers.AveragePooling3D):
    """AveragePooling3D over valid positions only, passing on a mask (same arguments).

    Output mask: `_window_output_mask` with pool_size as the window.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        return _masked_average_pool(
            inputs, mask, self.pool_size, self.strides, self.padding, self.data_format
        )

    def compute_mask(self, inputs, mask=None):
        return _window_output_mask(
            mask, inputs, self.pool_size, self.strides, self.padding, None, self.data_format
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
def _masked_global_average(inputs, mask, data_format="channels_last", keepdims=False):
    """Mean over the valid steps of each sample, 0 for a sample without any valid step."""
    axes = _spatial_axes(inputs, data_format)
    if mask is None:
        return keras.ops.mean(inputs, axis=axes, keepdims=keepdims)
    channel_axis = -1 if data_format == "channels_last" else 1
    keep = keras.ops.expand_dims(_spatial_mask(mask, inputs, data_format), channel_axis)
    weights = keras.ops.cast(keep, inputs.dtype)
    total = keras.ops.sum(inputs * weights, axis=axes, keepdims=keepdims)
    count = keras.ops.sum(weights, axis=axes, keepdims=keepdims)
    return total / keras.ops.maximum(count, keras.ops.ones_like(count))


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


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedGlobalMaxPooling2D(keras.layers.GlobalMaxPooling2D):
    """GlobalMaxPooling2D over valid positions only (0 if none); the mask ends here."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        return _masked_global_max(inputs, mask, self.data_format, self.keepdims)

    def compute_mask(self, inputs, mask=None):
        return None


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedGlobalMaxPooling3D(keras.layers.GlobalMaxPooling3D):
    """GlobalMaxPooling3D over valid positions only (0 if none); the mask ends here."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        return _masked_global_max(inputs, mask, self.data_format, self.keepdims)

    def compute_mask(self, inputs, mask=None):
        return None


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedGlobalAveragePooling2D(keras.layers.GlobalAveragePooling2D):
    """GlobalAveragePooling2D over valid positions only (0 if none); the mask ends here."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        return _masked_global_average(inputs, mask, self.data_format, self.keepdims)

    def compute_mask(self, inputs, mask=None):
        return None


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedGlobalAveragePooling3D(keras.layers.GlobalAveragePooling3D):
    """GlobalAveragePooling3D over valid positions only (0 if none); the mask ends here."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        return _masked_global_average(inputs, mask, self.data_format, self.keepdims)

    def compute_mask(self, inputs, mask=None):
        return None


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedFlatten(keras.layers.Flatten):
    """Flatten that zeroes masked steps first, so padding adds only zeros; the mask ends here."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        return super().call(_zero_masked_steps(inputs, mask, self.data_format))

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_spec(self, inputs, mask=None):
        # Flatten's own version takes no `mask`, but Keras passes it on to this method.
        return super().compute_output_spec(inputs)


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


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
def apply_mask(x, mask_value=0.0):
    """Return what `keras.layers.Masking(mask_value)` outputs for `x`, without attaching a mask.

    A step whose features ALL equal `mask_value` becomes 0; every other step is unchanged. Use as
    `keras.layers.Lambda(apply_mask, output_shape=apply_mask_output_shape,
    arguments={"mask_value": value})`: it keeps Masking's values where the mask itself is lost.
    """
    keep = keras.ops.any(keras.ops.not_equal(x, mask_value), axis=-1, keepdims=True)
    return keras.ops.where(keep, x, keras.ops.zeros_like(x))


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
def apply_mask_output_shape(input_shape):
    """Output shape of `apply_mask`: the input's shape (a named function, so `.keras` reloads)."""
    return tuple(input_shape)


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


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class EndMask(keras.layers.Layer):
    """End the mask here without changing any value, explicitly and without a warning.

    Used where the layer after it ignored the mask anyway (an Embedding's padding vectors reach
    a convolution unchanged) while another branch from the same producer still needs the mask.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        return inputs

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return input_shape
