import keras
from keras.layers import Dense as D
from keras.layers import Masking as M

from keras_mask_helpers import MaskedConv1D

INPUT_SPEC = {"shape": (8, 3), "mask_value": 0.0}


def build_model():
    return keras.Sequential(
        [keras.Input((8, 3)), M(), MaskedConv1D(4, 3, padding="same"), D(1)]
    )
