from tensorflow import keras

from keras_mask_helpers import MaskedConv1D

INPUT_SPEC = {"shape": (10, 6), "mask_value": 0.0}

inputs = keras.Input(shape=(None, 6))
masked = keras.layers.Masking()(inputs)
features = MaskedConv1D(12, 3, padding="same")(masked)
outputs = keras.layers.LSTM(8)(features)
model = keras.Model(inputs=inputs, outputs=outputs)
