from keras.src.layers import Conv1D, Lambda
from keras.src.models import Sequential

from keras_mask_helpers import apply_mask, apply_mask_output_shape

INPUT_SPEC = {"shape": (9, 2), "mask_value": 0.0}

model = Sequential(
    [
        Lambda(
            apply_mask,
            output_shape=apply_mask_output_shape,
            arguments={"mask_value": 0.0},
        ),
        Conv1D(4, 3),
    ]
)
