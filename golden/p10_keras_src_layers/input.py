from keras.src.layers import Conv1D, Masking
from keras.src.models import Sequential

model = Sequential([Masking(), Conv1D(4, 3)])
