import keras
import keras.layers as KL

from keras_mask_helpers import MaskedConv1D

INPUT_SPEC = {"shape": (16, 2), "mask_value": 0.0}


def build_model():
    inp = KL.Input((16, 2))
    x = KL.Masking()(inp)
    x = MaskedConv1D(6, 3, strides=2, padding="valid")(x)
    x = KL.LSTM(5)(x)
    return keras.Model(inp, x)
