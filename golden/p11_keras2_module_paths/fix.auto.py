from keras.layers.convolutional import Conv1D
from keras.layers.core import Dense
from keras.layers.embeddings import Embedding
from keras.layers.recurrent import LSTM
from keras.models import Sequential

audio = Sequential()
audio.add(Conv1D(32, 3))
audio.add(LSTM(16))

text = Sequential()
text.add(Embedding(5000, 32))
text.add(Conv1D(32, 3))
text.add(Dense(1))
