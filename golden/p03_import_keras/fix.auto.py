import keras

from keras_mask_helpers import apply_mask, apply_mask_output_shape

INPUT_SPEC = {"shape": (9, 5), "mask_value": 999.0}


def build_model():
    inputs = keras.Input(shape=(9, 5))
    x = keras.layers.Lambda(
        apply_mask,
        output_shape=apply_mask_output_shape,
        arguments={"mask_value": 999.0},
    )(inputs)
    x = keras.layers.Conv1D(4, 2, padding="valid")(x)
    x = keras.layers.Flatten()(x)
    outputs = keras.layers.Dense(1)(x)
    return keras.Model(inputs, outputs)
