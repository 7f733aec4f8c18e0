import keras
from keras import layers

from keras_mask_helpers import apply_mask, apply_mask_output_shape

INPUT_SPEC = {"shape": (10, 2), "mask_value": -1.0}


def build_model():
    model = keras.Sequential()
    model.add(keras.Input(shape=(10, 2)))
    model.add(
        layers.Lambda(
            apply_mask,
            output_shape=apply_mask_output_shape,
            arguments={"mask_value": -1.0},
        )
    )
    model.add(layers.Dropout(0.1))
    model.add(layers.Conv1D(4, 3, padding="same"))
    model.add(layers.LSTM(4, return_sequences=True))
    model.add(layers.Dense(1))
    return model
