import keras
from keras import layers

from keras_mask_helpers import MaskedConv1D

INPUT_SPEC = {"shape": (10, 3), "mask_value": -1.0}


def build_model():
    model = keras.Sequential([
        keras.Input(shape=(10, 3)),
        layers.Masking(mask_value=-1.0),
        MaskedConv1D(16, 3, padding="causal"),  # the mask stops here
        layers.GlobalAveragePooling1D(),
        layers.Dense(2, activation="softmax"),
    ])
    return model
