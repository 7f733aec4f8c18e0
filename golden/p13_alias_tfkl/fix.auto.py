import tensorflow as tf
import tensorflow.keras.layers as tfkl

from keras_mask_helpers import MaskedConv1D

INPUT_SPEC = {"shape": (10, 5), "mask_value": -1.0}

encoder = tf.keras.Sequential(
    [
        tfkl.Masking(mask_value=-1.0),
        MaskedConv1D(32, 3, padding="same"),
        MaskedConv1D(32, 3, padding="same"),
        tfkl.Bidirectional(tfkl.LSTM(16)),
    ]
)
