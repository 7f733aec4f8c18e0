import keras
from keras import layers

from keras_mask_helpers import MaskedConv1D

INPUT_SPEC = {"shape": (10, 2), "mask_value": -1.0}


def build_model():
    model = keras.Sequential()
    model.add(keras.Input(shape=(10, 2)))
    model.add(layers.Masking(mask_value=-1.0))
    model.add(layers.Dropout(0.1))
    model.add(MaskedConv1D(4, 3, padding="same"))
    model.add(layers.LSTM(4, return_sequences=True))
    model.add(layers.Dense(1))
    return model
