"""mask_zero from a parameter's default; the layers from a loop over a list chosen by a flag."""
from tensorflow import keras
from tensorflow.keras import layers

from keras_mask_helpers import MaskedConv1D


def char_encoder(vocab, hidden="cnn", mask_zero=True):
    cnn_layers = [MaskedConv1D(16, 3, padding="same"), layers.Dropout(0.1)]
    rnn_layers = [layers.GRU(16, return_sequences=True)]
    char_hidden_layer = cnn_layers if hidden == "cnn" else rnn_layers
    chars = keras.Input((None,), dtype="int32")
    x = layers.Embedding(vocab, 16, mask_zero=mask_zero)(chars)
    for i, layer in enumerate(char_hidden_layer):
        x = layer(x)
    return keras.Model(chars, layers.LSTM(8)(x))
