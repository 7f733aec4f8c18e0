from keras.src.layers import Conv1D
from keras.src.models import Sequential

model = Sequential([Conv1D(4, 3)])
