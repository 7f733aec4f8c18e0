import keras
from keras.layers import Conv1D as C
from keras.layers import Dense as D
from keras.layers import Lambda

from keras_mask_helpers import apply_mask, apply_mask_output_shape

INPUT_SPEC = {"shape": (8, 3), "mask_value": 0.0}


def build_model():
    return keras.Sequential(
        [
            keras.Input((8, 3)),
            Lambda(
                apply_mask,
                output_shape=apply_mask_output_shape,
                arguments={"mask_value": 0.0},
            ),
            C(4, 3, padding="same"),
            D(1),
        ]
    )
