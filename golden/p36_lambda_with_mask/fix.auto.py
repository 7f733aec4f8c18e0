from keras import layers, models, ops

from keras_mask_helpers import MaskedConv1D


def keep(x):
    return x


def padding_mask(inputs, mask=None):
    return ops.any(ops.not_equal(inputs, 0.0), axis=-1)


inp = layers.Input((10, 2))
x = layers.Lambda(keep, mask=padding_mask)(inp)
x = MaskedConv1D(4, 3)(x)
model = models.Model(inp, x)
