import keras

from keras_mask_helpers import MaskedConv1D, MaskedFlatten

INPUT_SPEC = {"shape": (9, 5), "mask_value": 999.0}


def build_model():
    inputs = keras.Input(shape=(9, 5))
    x = keras.layers.Masking(mask_value=999.0)(inputs)
    x = MaskedConv1D(4, 2, padding="valid")(x)
    x = MaskedFlatten()(x)
    outputs = keras.layers.Dense(1)(x)
    return keras.Model(inputs, outputs)
