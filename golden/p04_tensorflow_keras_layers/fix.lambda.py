from tensorflow.keras.layers import Conv1D, Dense, GRU, Lambda
from tensorflow.keras.models import Sequential

from keras_mask_helpers import apply_mask, apply_mask_output_shape

INPUT_SPEC = {"shape": (20, 8), "mask_value": 0.0}

model = Sequential()
model.add(
    Lambda(
        apply_mask,
        output_shape=apply_mask_output_shape,
        arguments={"mask_value": 0.0},
        input_shape=(20, 8),
    )
)
model.add(Conv1D(32, 5, activation="relu"))
model.add(GRU(16))
model.add(Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="adam")
