from keras import Sequential
from keras.layers import Conv2D, Dense, Flatten, Input, Masking, TimeDistributed

from keras_mask_helpers import MaskedTimeDistributed

video = Sequential([
    Input((8, 32, 32, 3)),
    Masking(mask_value=0.0),
    MaskedTimeDistributed(Conv2D(16, 3)),
    TimeDistributed(Flatten()),
    Dense(4),
])
