import keras
from keras import layers

inp = keras.Input((12, 3))
x = layers.Masking()(inp)
x = layers.Dense(8)(x)
x = layers.GlobalAveragePooling1D()(x)
x = layers.RepeatVector(4)(x)
x = layers.Conv1D(4, 2)(x)
model = keras.Model(inp, x)
