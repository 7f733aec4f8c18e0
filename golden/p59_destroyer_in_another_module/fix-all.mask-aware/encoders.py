"""The project's convolution block: it knows nothing of masks."""

from keras_mask_helpers import MaskedConv1D, MaskedGlobalMaxPooling1D


def conv_block(x, filters=8):
    x = MaskedConv1D(filters, 3, padding="same", activation="relu")(x)
    return MaskedGlobalMaxPooling1D()(x)
