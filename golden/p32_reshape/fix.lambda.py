from keras import layers, models

from keras_mask_helpers import apply_mask, apply_mask_output_shape

model = models.Sequential([
    layers.Input((10, 4)),
    layers.Lambda(
        apply_mask,
        output_shape=apply_mask_output_shape,
        arguments={"mask_value": -1.0},
    ),
    layers.Reshape((40,)),
    layers.Dense(1),
])
