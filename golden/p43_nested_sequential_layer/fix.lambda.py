import keras
from keras import layers

from keras_mask_helpers import apply_mask, apply_mask_output_shape

feature_extractor = keras.Sequential([layers.Dense(8), layers.Dense(8)])

inp = keras.Input((10, 3))
x = layers.Lambda(
    apply_mask,
    output_shape=apply_mask_output_shape,
    arguments={"mask_value": 0.0},
)(inp)
x = feature_extractor(x)
x = layers.LSTM(4)(x)
model = keras.Model(inp, x)
