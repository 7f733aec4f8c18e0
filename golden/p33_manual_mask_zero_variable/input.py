from keras import layers, models


def text_model(vocab_size, use_mask=True):
    return models.Sequential([
        layers.Embedding(vocab_size, 32, mask_zero=use_mask),
        layers.Conv1D(32, 3),
        layers.GlobalMaxPooling1D(),
    ])
