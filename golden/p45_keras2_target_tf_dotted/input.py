import tensorflow as tf

# A Keras 2 target (args.txt: TensorFlow 2.15's tf.keras).
INPUT_SPEC = {"shape": (16, 4), "mask_value": 0.0}


def build_model():
    return tf.keras.Sequential([
        tf.keras.layers.Masking(mask_value=0.0, input_shape=(16, 4)),
        tf.keras.layers.Conv1D(8, 3, activation="relu"),
        tf.keras.layers.GlobalMaxPooling1D(),
        tf.keras.layers.Dense(1),
    ])
