import keras
from keras import layers

inp = keras.Input((12, 3))
masked = layers.Masking()(inp)
plain = layers.Dense(3)(inp)
merged = layers.Add()([masked, plain])
x = layers.Conv1D(4, 3)(merged)
model = keras.Model(inp, x)
