from keras.layers import *
from keras.models import Model

from keras_mask_helpers import MaskedConv1D, MaskedGlobalMaxPooling1D

INPUT_SPEC = {"shape": (50,), "dtype": "int32", "vocab": 2000}

inputs = Input(shape=(50,), dtype="int32")
x = Embedding(input_dim=2000, output_dim=16, mask_zero=True)(inputs)
x = MaskedConv1D(16, 5, activation="relu")(x)
x = MaskedGlobalMaxPooling1D()(x)
outputs = Dense(3, activation="softmax")(x)
model = Model(inputs, outputs)
