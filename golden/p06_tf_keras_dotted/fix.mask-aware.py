import tensorflow as tf

from keras_mask_helpers import MaskedConv1D, MaskedMaxPooling1D

INPUT_SPEC = {"shape": (20, 4), "mask_value": 0.0}


def make_model(timesteps, features):
    model = tf.keras.models.Sequential([
        tf.keras.layers.Masking(mask_value=0., input_shape=(timesteps, features)),
        MaskedConv1D(64, kernel_size=3, padding="same", activation="relu"),
        MaskedMaxPooling1D(pool_size=2),
        tf.keras.layers.LSTM(32),
        tf.keras.layers.Dense(1),
    ])
    return model


def build_model():
    return make_model(timesteps=20, features=4)
