import tensorflow as tf

INPUT_SPEC = {"shape": (20, 4), "mask_value": 0.0}


def make_model(timesteps, features):
    model = tf.keras.models.Sequential([
        tf.keras.layers.Conv1D(64, kernel_size=3, padding="same", activation="relu"),
        tf.keras.layers.MaxPooling1D(pool_size=2),
        tf.keras.layers.LSTM(32),
        tf.keras.layers.Dense(1),
    ])
    return model


def build_model():
    return make_model(timesteps=20, features=4)
