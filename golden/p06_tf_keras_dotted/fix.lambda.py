import tensorflow as tf

from keras_mask_helpers import apply_mask, apply_mask_output_shape

INPUT_SPEC = {"shape": (20, 4), "mask_value": 0.0}


def make_model(timesteps, features):
    model = tf.keras.models.Sequential([
        tf.keras.layers.Lambda(
            apply_mask,
            output_shape=apply_mask_output_shape,
            arguments={"mask_value": 0.},
            input_shape=(timesteps, features),
        ),
        tf.keras.layers.Conv1D(64, kernel_size=3, padding="same", activation="relu"),
        tf.keras.layers.MaxPooling1D(pool_size=2),
        tf.keras.layers.LSTM(32),
        tf.keras.layers.Dense(1),
    ])
    return model


def build_model():
    return make_model(timesteps=20, features=4)
