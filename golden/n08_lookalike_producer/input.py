from keras import layers, models
from spektral.layers import GraphMasking
from mylib.layers import Masking

model = models.Sequential([
    layers.Input((10, 3)),
    GraphMasking(),
    Masking(mask_value=0.0),
    layers.Conv1D(4, 3),
])
