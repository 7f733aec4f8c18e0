import tf_keras
from tf_keras import layers

INPUT_SPEC = {"shape": (12,), "dtype": "int32", "vocab": 1000}

model = tf_keras.Sequential()
model.add(layers.Embedding(1000, 64))
model.add(layers.Conv1D(64, 5, activation="relu"))
model.add(layers.GlobalMaxPooling1D())
model.add(layers.Dense(1))
