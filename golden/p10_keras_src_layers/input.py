from keras.src.layers import Conv1D, Masking
from keras.src.models import Sequential

INPUT_SPEC = {"shape": (9, 2), "mask_value": 0.0}

model = Sequential([Masking(), Conv1D(4, 3)])
