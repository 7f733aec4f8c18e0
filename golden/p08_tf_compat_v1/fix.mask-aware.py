import tensorflow as tf

from keras_mask_helpers import MaskedConv1D

INPUT_SPEC = {"shape": (15, 3), "mask_value": 0.0}

K = tf.compat.v1.keras

inp = K.layers.Input(shape=(15, 3))
h = K.layers.Masking(mask_value=0.0)(inp)
h = MaskedConv1D(8, 3, padding="same")(h)
h = K.layers.SimpleRNN(4)(h)
model = K.models.Model(inp, h)
