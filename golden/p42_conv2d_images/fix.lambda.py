import keras
from keras import layers

from keras_mask_helpers import apply_mask, apply_mask_output_shape

INPUT_SPEC = {"shape": (8, 8, 2), "mask_value": 0.0}


def build_model():
    img = keras.Input((8, 8, 2))
    x = layers.Lambda(
        apply_mask,
        output_shape=apply_mask_output_shape,
        arguments={"mask_value": 0.0},
    )(img)
    x = layers.Conv2D(4, 3, padding="same")(x)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(img, x)
