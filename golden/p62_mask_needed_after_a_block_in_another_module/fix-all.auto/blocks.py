"""The project's convolution block, shared by models with and without a mask."""
from keras import layers

from keras_mask_helpers import MaskedConv1D


def conv_block(x, filters=8):
    x = MaskedConv1D(filters, 3, padding="same", activation="relu")(x)
    return layers.Dropout(0.1)(x)
