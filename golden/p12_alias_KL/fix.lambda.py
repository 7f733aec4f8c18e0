import keras
import keras.layers as KL

from keras_mask_helpers import apply_mask, apply_mask_output_shape

INPUT_SPEC = {"shape": (16, 2), "mask_value": 0.0}


def build_model():
    inp = KL.Input((16, 2))
    x = KL.Lambda(
        apply_mask,
        output_shape=apply_mask_output_shape,
        arguments={"mask_value": 0.0},
    )(inp)
    x = KL.Conv1D(6, 3, strides=2, padding="valid")(x)
    x = KL.LSTM(5)(x)
    return keras.Model(inp, x)
