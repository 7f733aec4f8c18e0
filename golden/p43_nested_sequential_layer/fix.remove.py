import keras
from keras import layers

feature_extractor = keras.Sequential([layers.Dense(8), layers.Dense(8)])

inp = keras.Input((10, 3))
x = feature_extractor(inp)
x = layers.LSTM(4)(x)
model = keras.Model(inp, x)
