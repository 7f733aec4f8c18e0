import keras
from keras import layers

from keras_mask_helpers import apply_mask, apply_mask_output_shape

INPUT_SPEC = {"shape": (14, 3), "mask_value": 0.0}


def build_model():
    """Séquences masquées → Conv1D → GRU (日本語のコメント)."""
    inp = keras.Input(shape=(14, 3))
    données = layers.Lambda(
        apply_mask,
        output_shape=apply_mask_output_shape,
        arguments={"mask_value": 0.0},
    )(inp)
    données = layers.Dropout(0.2)(données)
    données = layers.Dense(5, activation="tanh")(données)
    données = layers.Conv1D(8, 3, padding="same")(données)
    données = layers.GRU(4)(données)
    return keras.Model(inp, données)
