import keras
from keras import layers

from keras_mask_helpers import apply_mask, apply_mask_output_shape

INPUT_SPEC = {"shape": (20, 3), "mask_value": 0.0}


def build_model():
    model = keras.Sequential(
        [
            keras.Input((20, 3)),
            layers.Lambda(
                apply_mask,
                output_shape=apply_mask_output_shape,
                arguments={"mask_value": 0.0},
            ),
        ]
    )
    for filters in (8, 16):
        model.add(layers.Conv1D(filters, 3, padding="same"))
    for pooling in [layers.MaxPooling1D, layers.AveragePooling1D]:
        model.add(pooling(2))
    model.add(layers.LSTM(4))
    return model
