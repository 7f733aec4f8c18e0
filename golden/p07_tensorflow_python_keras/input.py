from tensorflow.python.keras import layers
from tensorflow.python.keras.models import Sequential

model = Sequential([
    layers.Masking(mask_value=-1, input_shape=(30, 2)),
    layers.Conv1D(8, 3),
])
