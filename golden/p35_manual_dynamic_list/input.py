from keras import layers, models
from project.heads import make_head_layers

model = models.Sequential([
    layers.Input((30, 5)),
    layers.Masking(),
    *make_head_layers(num_classes=4),
])
