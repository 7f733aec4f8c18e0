"""Mask-aware Keras layers written by keras-mask-codemod (--helpers-module).

Saved .keras models that use them need this module imported before loading.
"""

import keras


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
class MaskedConv1D(_MaskedLayer, keras.layers.Conv1D):
    """Conv1D using and passing on a Keras mask (same arguments)."""


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedConv2D(_MaskedLayer, keras.layers.Conv2D):
    """Conv2D using and passing on a Keras mask (same arguments)."""


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedConv3D(_MaskedLayer, keras.layers.Conv3D):
    """Conv3D using and passing on a Keras mask (same arguments)."""


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedSeparableConv1D(_MaskedLayer, keras.layers.SeparableConv1D):
    """SeparableConv1D using and passing on a Keras mask (same arguments)."""


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedSeparableConv2D(_MaskedLayer, keras.layers.SeparableConv2D):
    """SeparableConv2D using and passing on a Keras mask (same arguments)."""


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedDepthwiseConv1D(_MaskedLayer, keras.layers.DepthwiseConv1D):
    """DepthwiseConv1D using and passing on a Keras mask (same arguments)."""


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedDepthwiseConv2D(_MaskedLayer, keras.layers.DepthwiseConv2D):
    """DepthwiseConv2D using and passing on a Keras mask (same arguments)."""


class _MaskedTransposed(_MaskedLayer):
    """Masked steps are zeroed; the output mask of a transposed convolution:

    - padding "same" without output_padding: output step t is valid iff input
      step t // stride is (the mask repeated `stride` times along each axis).
    - padding "valid", or any output_padding: an output step is valid iff a
      valid input step contributes to it: a window of the kernel's size finds
      one in the mask spread out by the strides (keras.ops.conv_transpose is
      not used: Keras 3.15 swaps its padding and output_padding arguments when
      it replays a functional model).
    """

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        import numpy  # not a tensor: one made here breaks Keras 3.4 with TF

        axis = 1 if self.data_format == "channels_first" else -1
        x = keras.ops.ones_like(keras.ops.take(inputs, [0], axis), "float32")
        x = keras.ops.moveaxis(self._zeroed(x, mask), axis, -1)
        padding, extras = self.padding.lower(), self.output_padding
        if padding == "same" and extras is None:
            for i, stride in enumerate(self.strides, start=1):
                x = keras.ops.repeat(x, stride, axis=i)
            return keras.ops.greater(keras.ops.squeeze(x, -1), 0.5)
        for i, stride in enumerate(self.strides, start=1):
            if stride > 1:  # input step j lands on j * stride, gaps invalid
                x = keras.ops.repeat(x, stride, axis=i)
                count = keras.ops.cumsum(keras.ops.ones_like(x, "int32"), i)
                first = keras.ops.equal(count % stride, 1)
                x = keras.ops.where(first, x, keras.ops.zeros_like(x))
                x = x[(slice(None),) * i + (slice(None, 1 - stride),)]
        rates = self.dilation_rate
        extras = extras or (None,) * len(rates)
        sizes = zip(self.kernel_size, self.strides, rates, extras)
        pad_width = [(0, 0)]
        for size, stride, rate, extra in sizes:
            span = (size - 1) * rate + 1
            if padding == "valid":
                extra = max(span, stride) - span if extra is None else extra
                pad_width.append((span - 1, span - 1 + extra))
            else:
                total = span + span % 2 - 2 + extra
                left = min(total // 2 + total % 2, span - 1)
                pad_width.append((left, total - left))
        x = keras.ops.pad(x, pad_width + [(0, 0)])
        w = numpy.ones(self.kernel_size + (1, 1), "float32")  # kernel of ones
        x = keras.ops.conv(x, w, 1, "valid", "channels_last", rates)
        return keras.ops.greater(keras.ops.squeeze(x, -1), 0.5)


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedConv1DTranspose(_MaskedTransposed, keras.layers.Conv1DTranspose):
    """Conv1DTranspose using and passing on a Keras mask (same arguments)."""


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedConv2DTranspose(_MaskedTransposed, keras.layers.Conv2DTranspose):
    """Conv2DTranspose using and passing on a Keras mask (same arguments)."""


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedConv3DTranspose(_MaskedTransposed, keras.layers.Conv3DTranspose):
    """Conv3DTranspose using and passing on a Keras mask (same arguments)."""


class _MaskedMax(_MaskedLayer):
    """Max over valid steps only: masked steps never win. An output is 0 where
    no step is valid, and outside the output mask (the window rule)."""

    def call(self, inputs, mask=None):
        if mask is None:
            return super().call(inputs)
        x = super().call(self._zeroed(inputs, mask, float("-inf")))
        x = self._zeroed(x, self.compute_mask(inputs, mask))
        valid = super().call(self._zeroed(keras.ops.ones_like(inputs), mask))
        return keras.ops.where(valid > 0, x, keras.ops.zeros_like(x))


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedMaxPooling1D(_MaskedMax, keras.layers.MaxPooling1D):
    """MaxPooling1D over valid steps only, passing on a mask."""


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedMaxPooling2D(_MaskedMax, keras.layers.MaxPooling2D):
    """MaxPooling2D over valid positions only, passing on a mask."""


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedMaxPooling3D(_MaskedMax, keras.layers.MaxPooling3D):
    """MaxPooling3D over valid positions only, passing on a mask."""


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedGlobalMaxPooling1D(_MaskedMax, keras.layers.GlobalMaxPooling1D):
    """GlobalMaxPooling1D over valid steps (0 if none); ends the mask."""


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedGlobalMaxPooling2D(_MaskedMax, keras.layers.GlobalMaxPooling2D):
    """GlobalMaxPooling2D over valid positions (0 if none); ends the mask."""


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedGlobalMaxPooling3D(_MaskedMax, keras.layers.GlobalMaxPooling3D):
    """GlobalMaxPooling3D over valid positions (0 if none); ends the mask."""


class _MaskedMean(_MaskedLayer):
    """Mean over valid steps only, 0 where no step is valid."""

    def call(self, inputs, mask=None):
        if mask is None:
            return super().call(inputs)
        total = super().call(self._zeroed(inputs, mask))
        count = super().call(self._zeroed(keras.ops.ones_like(inputs), mask))
        count = keras.ops.where(count > 0, count, keras.ops.ones_like(count))
        return total / count  # total is 0 where no step is valid


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedAveragePooling1D(_MaskedMean, keras.layers.AveragePooling1D):
    """AveragePooling1D over valid steps only, passing on a mask."""


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedAveragePooling2D(_MaskedMean, keras.layers.AveragePooling2D):
    """AveragePooling2D over valid positions only, passing on a mask."""


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedAveragePooling3D(_MaskedMean, keras.layers.AveragePooling3D):
    """AveragePooling3D over valid positions only, passing on a mask."""


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedGlobalAveragePooling2D(_MaskedMean, keras.layers.GlobalAvgPool2D):
    """GlobalAveragePooling2D over valid positions only; ends the mask."""


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedGlobalAveragePooling3D(_MaskedMean, keras.layers.GlobalAvgPool3D):
    """GlobalAveragePooling3D over valid positions only; ends the mask."""


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedFlatten(_MaskedLayer, keras.layers.Flatten):
    """Flatten that zeroes masked steps first; the mask ends here."""

    def compute_output_spec(self, inputs, mask=None):
        return super().compute_output_spec(inputs)  # Flatten's takes no mask


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


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
def apply_mask(x, mask_value=0.0):
    """What `keras.layers.Masking(mask_value)` outputs for `x`, with no mask:
    a step whose features ALL equal `mask_value` becomes 0, others stay."""
    keep = keras.ops.any(keras.ops.not_equal(x, mask_value), -1, keepdims=True)
    return keras.ops.where(keep, x, keras.ops.zeros_like(x))


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
def apply_mask_output_shape(input_shape):
    """Output shape of `apply_mask` (a named function, so `.keras` reloads)."""
    return tuple(input_shape)


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class ApplyMask(_MaskedLayer, keras.layers.Layer):
    """Set masked steps to 0 and end the mask here, without a warning, on a
    branch whose next layer would drop it while another branch needs it."""

    def call(self, inputs, mask=None):
        return self._zeroed(inputs, mask)

    def compute_output_shape(self, input_shape):
        return input_shape


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class EndMask(keras.layers.Layer):
    """End the mask here without a warning or any change of value (the next
    layer ignored it anyway) while another branch still gets the mask."""

    def call(self, inputs, mask=None):
        return inputs

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return input_shape
