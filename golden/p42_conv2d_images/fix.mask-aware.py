import keras
from keras import layers

from keras_mask_helpers import MaskedConv2D, MaskedGlobalAveragePooling2D

INPUT_SPEC = {"shape": (8, 8, 2), "mask_value": 0.0}


def build_model():
    img = keras.Input((8, 8, 2))
    x = layers.Masking()(img)
    x = MaskedConv2D(4, 3, padding="same")(x)
    x = MaskedGlobalAveragePooling2D()(x)
    return keras.Model(img, x)
