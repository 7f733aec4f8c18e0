import tensorflow as tf

K = tf.compat.v1.keras

inp = K.layers.Input(shape=(15, 3))
h = K.layers.Conv1D(8, 3, padding="same")(inp)
h = K.layers.SimpleRNN(4)(h)
model = K.models.Model(inp, h)
