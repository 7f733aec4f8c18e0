import keras
from keras import layers

inp = keras.Input((12, 3))
x = layers.Masking()(inp)
x = x * 2.0
x = layers.Conv1D(4, 3)(x)
model = keras.Model(inp, x)
