from tensorflow.keras.layers import Conv1D, Dense, GRU
from tensorflow.keras.models import Sequential

INPUT_SPEC = {"shape": (20, 8), "mask_value": 0.0}

model = Sequential()
model.add(Conv1D(32, 5, activation="relu"))
model.add(GRU(16))
model.add(Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="adam")
