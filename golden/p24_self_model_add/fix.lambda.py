from keras import layers
from keras.models import Sequential

from keras_mask_helpers import apply_mask, apply_mask_output_shape


class Trainer:
    def __init__(self, steps, features):
        self.model = Sequential()
        self.steps = steps
        self.features = features

    def build_network(self):
        self.model.add(layers.Input((self.steps, self.features)))
        self.model.add(
            layers.Lambda(
                apply_mask,
                output_shape=apply_mask_output_shape,
                arguments={"mask_value": -1.0},
            )
        )
        self.add_features()
        self.model.add(layers.LSTM(8))

    def add_features(self):
        self.model.add(layers.Conv1D(8, 3, padding="same"))
