import tf_keras
from tf_keras import Input, Model, layers


# Keras 2 helpers by keras-mask-codemod, v2: keep them with this model code.
@tf_keras.utils.register_keras_serializable("keras_mask_codemod")
class EndMask(tf_keras.layers.Layer):
    """End the mask here without changing any value (the next layer ignored it
    anyway) while another branch from the same producer still gets it."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        return inputs

    def compute_mask(self, inputs, mask=None):
        return None


INPUT_SPEC = {"shape": (10,), "dtype": "int32", "vocab": 100}


def build_model():
    tokens = Input(shape=(10,), dtype="int32")
    embedded = layers.Embedding(100, 8, mask_zero=True)(tokens)
    recurrent = layers.GRU(4)(embedded)
    convolved = layers.Conv1D(4, 3, activation="relu")(EndMask()(embedded))
    pooled = layers.GlobalMaxPooling1D()(convolved)
    return Model(tokens, layers.Concatenate()([recurrent, pooled]))
