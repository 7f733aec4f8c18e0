from tensorflow import keras

from keras_mask_helpers import apply_mask, apply_mask_output_shape

INPUT_SPEC = {"shape": (10, 6), "mask_value": 0.0}

inputs = keras.Input(shape=(None, 6))
masked = keras.layers.Lambda(
    apply_mask,
    output_shape=apply_mask_output_shape,
    arguments={"mask_value": 0.0},
)(inputs)
features = keras.layers.Conv1D(12, 3, padding="same")(masked)
outputs = keras.layers.LSTM(8)(features)
model = keras.Model(inputs=inputs, outputs=outputs)
