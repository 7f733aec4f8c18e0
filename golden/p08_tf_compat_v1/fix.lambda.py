import tensorflow as tf

from keras_mask_helpers import apply_mask, apply_mask_output_shape

INPUT_SPEC = {"shape": (15, 3), "mask_value": 0.0}

K = tf.compat.v1.keras

inp = K.layers.Input(shape=(15, 3))
h = K.layers.Lambda(
    apply_mask,
    output_shape=apply_mask_output_shape,
    arguments={"mask_value": 0.0},
)(inp)
h = K.layers.Conv1D(8, 3, padding="same")(h)
h = K.layers.SimpleRNN(4)(h)
model = K.models.Model(inp, h)
