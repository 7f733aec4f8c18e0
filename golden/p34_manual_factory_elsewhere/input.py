import keras
from keras import layers

from .blocks import residual_stack

inp = keras.Input((None, 8))
x = layers.Masking(mask_value=0.0)(inp)
x = residual_stack(x, depth=3)
model = keras.Model(inp, x)
