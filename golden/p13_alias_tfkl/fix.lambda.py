import tensorflow as tf
import tensorflow.keras.layers as tfkl

from keras_mask_helpers import apply_mask, apply_mask_output_shape

INPUT_SPEC = {"shape": (10, 5), "mask_value": -1.0}

encoder = tf.keras.Sequential(
    [
        tfkl.Lambda(
            apply_mask,
            output_shape=apply_mask_output_shape,
            arguments={"mask_value": -1.0},
        ),
        tfkl.Conv1D(32, 3, padding="same"),
        tfkl.Conv1D(32, 3, padding="same"),
        tfkl.Bidirectional(tfkl.LSTM(16)),
    ]
)
