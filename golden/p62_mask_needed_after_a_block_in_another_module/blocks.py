"""The project's convolution block, shared by models with and without a mask."""
from keras import layers


def conv_block(x, filters=8):
    x = layers.Conv1D(filters, 3, padding="same", activation="relu")(x)
    return layers.Dropout(0.1)(x)
