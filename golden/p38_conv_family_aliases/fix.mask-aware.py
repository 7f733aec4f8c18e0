import keras
from keras import layers


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
class MaskedSeparableConv1D(_MaskedLayer, keras.layers.SeparableConv1D):
    """SeparableConv1D using and passing on a Keras mask (same arguments)."""


@keras.utils.register_keras_serializable(package="keras_mask_codemod")
class MaskedDepthwiseConv1D(_MaskedLayer, keras.layers.DepthwiseConv1D):
    """DepthwiseConv1D using and passing on a Keras mask (same arguments)."""


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


INPUT_SPEC = {"shape": (12, 4), "mask_value": 0.0}


def build_model():
    inp = keras.Input((12, 4))
    m = layers.Masking()(inp)
    a = MaskedConv1D(4, 3, padding="same")(m)
    b = MaskedSeparableConv1D(4, 3, padding="same")(m)
    c = MaskedDepthwiseConv1D(3, padding="same")(m)
    d = MaskedConv1DTranspose(4, 3, padding="same")(m)
    return keras.Model(inp, layers.Concatenate()([a, b, c, d]))
