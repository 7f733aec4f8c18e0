"""Lists grown on branches, comprehensions, loops and slices, with no mask reaching a convolution."""
import keras
from keras import layers


def build_model(use_dropout=True, sizes=(3, 5)):
    stack = []
    if use_dropout:
        stack = [layers.Dropout(0.1)]
    stack.extend([layers.Conv1D(8, k, padding="same") for k in sizes])
    stack += [layers.Masking(), layers.LSTM(4)]
    return keras.Sequential([keras.Input((12, 3)), *stack])


def build_encoder(kind="cnn", mask_zero=False):
    blocks = [layers.Conv1D(8, 3)] if kind == "cnn" else [layers.GRU(8, return_sequences=True)]
    x = inputs = keras.Input((None,), dtype="int32")
    x = layers.Embedding(100, 8, mask_zero=mask_zero)(x)
    for i, block in enumerate(blocks):
        x = block(x)
    x = [layers.Dense(8), layers.Conv1D(8, 3)][:1][0](x)
    return keras.Model(inputs, x)
