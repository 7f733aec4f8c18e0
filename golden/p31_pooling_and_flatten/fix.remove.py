import keras
from keras import layers

INPUT_SPEC = {"shape": (12, 2), "mask_value": 0.0}


def build_model():
    inp = keras.Input((12, 2))
    masked = inp
    pooled = layers.MaxPooling1D(2)(masked)
    flat = layers.Flatten()(masked)
    out = layers.Concatenate()([layers.Flatten()(pooled), flat])
    return keras.Model(inp, out)
