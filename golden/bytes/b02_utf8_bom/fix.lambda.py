import keras
from keras import layers

from keras_mask_helpers import apply_mask, apply_mask_output_shape

INPUT_SPEC = {"shape": (14, 3), "mask_value": 0.0}


def build_model():
    inp = keras.Input(shape=(14, 3))
    x = layers.Lambda(
        apply_mask,
        output_shape=apply_mask_output_shape,
        arguments={"mask_value": 0.0},
    )(inp)
    x = layers.Dropout(0.2)(x)
    x = layers.Dense(5, activation="tanh")(x)
    x = layers.Conv1D(8, 3, padding="same")(x)
    x = layers.GRU(4)(x)
    return keras.Model(inp, x)
