import keras
from keras import layers

from keras_mask_helpers import MaskedConv1D

INPUT_SPEC = {"shape": (12, 3), "mask_value": 0.0}


def build_model():
    stack = [keras.Input((12, 3)), layers.Masking()]
    stack.append(MaskedConv1D(8, 3, padding="same"))
    stack += [layers.Dense(4)]
    stack.append(layers.LSTM(3))
    return keras.Sequential(stack)
