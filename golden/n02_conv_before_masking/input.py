import keras
from keras import layers

inp = keras.Input((20, 3))
x = layers.Conv1D(8, 3, padding="same")(inp)
x = layers.MaxPooling1D(2)(x)
x = layers.Masking()(x)
x = layers.LSTM(4)(x)
model = keras.Model(inp, x)
