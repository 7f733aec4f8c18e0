"""Padded video clips: Masking on 5-D input gives a per-pixel mask that TimeDistributed(Conv2D)
passes on unchanged; the LSTM then receives a mask of the wrong shape."""
from keras import Model, layers

frames = layers.Input(shape=(16, 64, 64, 3))
x = layers.Masking()(frames)
x = layers.TimeDistributed(layers.Conv2D(8, 3, activation="relu"))(x)
x = layers.TimeDistributed(layers.GlobalMaxPooling2D())(x)
x = layers.LSTM(32)(x)
model = Model(frames, layers.Dense(5, activation="softmax")(x))
