from keras import layers, models

model = models.Sequential([
    layers.Input((10, 3)),
    layers.Masking(),
    layers.LSTM(8),
    layers.RepeatVector(10),
    layers.Conv1D(4, 3, padding="same"),
])
