import keras
from keras import layers

INPUT_SPEC = {"shape": (12, 3), "mask_value": 0.0}


def build_model():
    stack = [keras.Input((12, 3))]
    stack.append(layers.Conv1D(8, 3, padding="same"))
    stack += [layers.Dense(4)]
    stack.append(layers.LSTM(3))
    return keras.Sequential(stack)
