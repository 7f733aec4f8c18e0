from keras.layers.convolutional import Conv1D
from keras.layers.core import Dense, Masking
from keras.layers.embeddings import Embedding
from keras.layers.recurrent import LSTM
from keras.models import Sequential

audio = Sequential()
audio.add(Masking(mask_value=0.0, input_shape=(100, 13)))
audio.add(Conv1D(32, 3))
audio.add(LSTM(16))

text = Sequential()
text.add(Embedding(5000, 32, mask_zero=True))
text.add(Conv1D(32, 3))
text.add(Dense(1))
