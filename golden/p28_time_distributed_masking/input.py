from keras import Sequential
from keras.layers import Conv2D, Dense, Flatten, Input, Masking, TimeDistributed

video = Sequential([
    Input((8, 32, 32, 3)),
    TimeDistributed(Masking(mask_value=0.0)),
    TimeDistributed(Conv2D(16, 3)),
    TimeDistributed(Flatten()),
    Dense(4),
])
