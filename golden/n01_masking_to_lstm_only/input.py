import keras
from keras import layers

model = keras.Sequential([
    keras.Input((10, 3)),
    layers.Masking(mask_value=0.0),
    layers.LSTM(8, return_sequences=True),
    layers.LSTM(4),
    layers.Dense(1),
])
