import keras
from keras import layers

sequence_input = keras.Input((10, 3))
masked = layers.Masking()(sequence_input)
summary = layers.LSTM(4)(masked)

image_input = keras.Input((8, 8, 1))
features = layers.Conv2D(4, 3)(image_input)
features = layers.Flatten()(features)

model = keras.Model([sequence_input, image_input], layers.Concatenate()([summary, features]))
