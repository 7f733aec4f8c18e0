import keras
import keras_hub

from keras_mask_helpers import MaskedConv1D, MaskedGlobalMaxPooling1D

tokens = keras.Input((64,), dtype="int32")
x = keras_hub.layers.TokenAndPositionEmbedding(
    vocabulary_size=30000, sequence_length=64, embedding_dim=128, mask_zero=True
)(tokens)
x = MaskedConv1D(128, 3, padding="same")(x)
x = MaskedGlobalMaxPooling1D()(x)
model = keras.Model(tokens, x)
