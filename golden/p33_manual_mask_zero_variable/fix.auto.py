from keras import layers, models

from keras_mask_helpers import MaskedConv1D, MaskedGlobalMaxPooling1D


def text_model(vocab_size, use_mask=True):
    return models.Sequential([
        layers.Embedding(vocab_size, 32, mask_zero=use_mask),
        MaskedConv1D(32, 3),
        MaskedGlobalMaxPooling1D(),
    ])
