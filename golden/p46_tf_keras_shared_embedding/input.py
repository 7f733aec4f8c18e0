from tf_keras import Input, Model, layers

INPUT_SPEC = {"shape": (10,), "dtype": "int32", "vocab": 100}


def build_model():
    tokens = Input(shape=(10,), dtype="int32")
    embedded = layers.Embedding(100, 8, mask_zero=True)(tokens)
    recurrent = layers.GRU(4)(embedded)
    convolved = layers.Conv1D(4, 3, activation="relu")(embedded)
    pooled = layers.GlobalMaxPooling1D()(convolved)
    return Model(tokens, layers.Concatenate()([recurrent, pooled]))
