import keras
from keras import layers

tokens = keras.Input((30,), dtype="int32")
a = layers.Embedding(100, 8)(tokens)
a = layers.Conv1D(8, 3)(a)
b = layers.Embedding(100, 8, mask_zero=False)(tokens)
b = layers.Conv1D(8, 3)(b)
model = keras.Model(tokens, layers.Concatenate()([a, b]))
