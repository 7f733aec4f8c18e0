from keras.src.layers import Masking
from keras.src.models import Sequential

from keras_mask_helpers import MaskedConv1D

INPUT_SPEC = {"shape": (9, 2), "mask_value": 0.0}

model = Sequential([Masking(), MaskedConv1D(4, 3)])
