import keras
from keras import layers

INPUT_SPEC = {"shape": (10, 3), "mask_value": -1.0}


def build_model():
    model = keras.Sequential([
        keras.Input(shape=(10, 3)),
        layers.Masking(mask_value=-1.0),
        layers.Conv1D(16, 3, padding="causal"),  # the mask stops here
        layers.GlobalAveragePooling1D(),
        layers.Dense(2, activation="softmax"),
    ])
    return model
