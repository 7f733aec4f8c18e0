import tensorflow as tf
import tensorflow.keras.layers as tfkl

INPUT_SPEC = {"shape": (10, 5), "mask_value": -1.0}

encoder = tf.keras.Sequential(
    [
        tfkl.Masking(mask_value=-1.0),
        tfkl.Conv1D(32, 3, padding="same"),
        tfkl.Conv1D(32, 3, padding="same"),
        tfkl.Bidirectional(tfkl.LSTM(16)),
    ]
)
