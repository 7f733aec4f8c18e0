import keras
from keras import layers

from keras_mask_helpers import MaskedConv1D

INPUT_SPEC = {"shape": (12, 3), "mask_value": 0.0}


def build_model():
    inp = keras.Input((12, 3))
    masked = layers.Masking()(inp)
    narrow = MaskedConv1D(4, 3, padding="same")(masked)
    wide = MaskedConv1D(4, 5, padding="same")(masked)
    return keras.Model(inp, layers.Add()([narrow, wide]))
