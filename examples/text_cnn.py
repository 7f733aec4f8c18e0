"""A text classifier: Embedding(mask_zero=True) -> Conv1D. The padding mask stops at the convolution."""
import tensorflow as tf

vocab_size = 20000

inputs = tf.keras.Input(shape=(200,), dtype="int32")
x = tf.keras.layers.Embedding(vocab_size, 128, mask_zero=True)(inputs)
x = tf.keras.layers.Conv1D(128, 5, activation="relu")(x)
x = tf.keras.layers.GlobalMaxPooling1D()(x)
outputs = tf.keras.layers.Dense(1, activation="sigmoid")(x)
model = tf.keras.Model(inputs, outputs)
