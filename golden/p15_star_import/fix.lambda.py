from keras.layers import *
from keras.models import Model

INPUT_SPEC = {"shape": (50,), "dtype": "int32", "vocab": 2000}

inputs = Input(shape=(50,), dtype="int32")
x = Embedding(input_dim=2000, output_dim=16)(inputs)
x = Conv1D(16, 5, activation="relu")(x)
x = GlobalMaxPooling1D()(x)
outputs = Dense(3, activation="softmax")(x)
model = Model(inputs, outputs)
