from keras import layers, models

model = models.Sequential([
    layers.Input((10, 4)),
    layers.Masking(mask_value=-1.0),
    layers.Reshape((40,)),
    layers.Dense(1),
])
