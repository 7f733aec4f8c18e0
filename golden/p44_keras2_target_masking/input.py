from tensorflow import keras

# A Keras 2 target (args.txt: TensorFlow 2.15's tf.keras).
INPUT_SPEC = {"shape": (12, 3), "mask_value": -1.0}


def build_model():
    inputs = keras.Input(shape=(12, 3))
    masked = keras.layers.Masking(mask_value=-1.0)(inputs)
    features = keras.layers.Conv1D(8, 3, padding="same")(masked)
    outputs = keras.layers.LSTM(4)(features)
    return keras.Model(inputs, outputs)


def build_shared():
    inputs = keras.Input(shape=(12, 3))
    masked = keras.layers.Masking(mask_value=-1.0)(inputs)
    recurrent = keras.layers.LSTM(4)(masked)
    convolved = keras.layers.Conv1D(4, 3)(masked)
    pooled = keras.layers.GlobalMaxPooling1D()(convolved)
    return keras.Model(inputs, keras.layers.Concatenate()([recurrent, pooled]))
