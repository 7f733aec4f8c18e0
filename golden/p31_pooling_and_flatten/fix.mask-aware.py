import keras
from keras import layers

from keras_mask_helpers import MaskedFlatten, MaskedMaxPooling1D

INPUT_SPEC = {"shape": (12, 2), "mask_value": 0.0}


def build_model():
    inp = keras.Input((12, 2))
    masked = layers.Masking()(inp)
    pooled = MaskedMaxPooling1D(2)(masked)
    flat = MaskedFlatten()(masked)
    out = layers.Concatenate()([MaskedFlatten()(pooled), flat])
    return keras.Model(inp, out)
