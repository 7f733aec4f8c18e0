from tensorflow.keras.layers import Dense, GRU, Masking
from tensorflow.keras.models import Sequential

from keras_mask_helpers import MaskedConv1D

INPUT_SPEC = {"shape": (20, 8), "mask_value": 0.0}

model = Sequential()
model.add(Masking(mask_value=0.0, input_shape=(20, 8)))
model.add(MaskedConv1D(32, 5, activation="relu"))
model.add(GRU(16))
model.add(Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="adam")
