import tensorflow as tf

INPUT_SPEC = {"shape": (15, 3), "mask_value": 0.0}

K = tf.compat.v1.keras

inp = K.layers.Input(shape=(15, 3))
h = K.layers.Conv1D(8, 3, padding="same")(inp)
h = K.layers.SimpleRNN(4)(h)
model = K.models.Model(inp, h)
