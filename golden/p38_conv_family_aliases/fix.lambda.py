import keras
from keras import layers

from keras_mask_helpers import apply_mask, apply_mask_output_shape

INPUT_SPEC = {"shape": (12, 4), "mask_value": 0.0}


def build_model():
    inp = keras.Input((12, 4))
    m = layers.Lambda(
        apply_mask,
        output_shape=apply_mask_output_shape,
        arguments={"mask_value": 0.0},
    )(inp)
    a = layers.Convolution1D(4, 3, padding="same")(m)
    b = layers.SeparableConv1D(4, 3, padding="same")(m)
    c = layers.DepthwiseConv1D(3, padding="same")(m)
    d = layers.Conv1DTranspose(4, 3, padding="same")(m)
    return keras.Model(inp, layers.Concatenate()([a, b, c, d]))
