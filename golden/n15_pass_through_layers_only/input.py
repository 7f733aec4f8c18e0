import keras
from keras import layers

inp = keras.Input((10, 3))
x = layers.Masking(mask_value=-1.0)(inp)
x = layers.Dense(8, activation="relu")(x)
x = layers.Dropout(0.3)(x)
x = layers.LayerNormalization()(x)
x = layers.Bidirectional(layers.GRU(4, return_sequences=True))(x)
x = layers.MultiHeadAttention(num_heads=2, key_dim=4)(x, x)
x = layers.GlobalAveragePooling1D()(x)
model = keras.Model(inp, x)
