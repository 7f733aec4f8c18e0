"""KMC102: an Embedding(mask_zero=True) mask reaches a convolution."""

from __future__ import annotations

from codemod.analysis.findings import Code
from codemod.analysis.rules.rule import Covers, Rule
from codemod.catalogue import Family

TEXT_CNN = """\
import keras
from keras import layers

# A text classifier; token 0 is padding.
model = keras.Sequential([
    keras.Input((20,), dtype="int32"),
    layers.Embedding(5000, 64, mask_zero=True),
    layers.Conv1D(64, 5, activation="relu"),
    layers.GlobalMaxPooling1D(),
    layers.Dense(1, activation="sigmoid"),
])
"""

CONV_THEN_LSTM = """\
from tensorflow import keras
from tensorflow.keras import layers

tokens = keras.Input((20,), dtype="int32")
x = layers.Embedding(5000, 64, mask_zero=True)(tokens)
x = layers.Conv1D(64, 3, padding="same", activation="relu")(x)
x = layers.LSTM(32)(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(tokens, outputs)
"""

NO_MASK_ZERO = """\
import keras
from keras import layers

# No mask_zero: the convolution gets no mask to destroy.
model = keras.Sequential([
    keras.Input((20,), dtype="int32"),
    layers.Embedding(5000, 64),
    layers.Conv1D(64, 5, activation="relu"),
    layers.GlobalMaxPooling1D(),
    layers.Dense(1, activation="sigmoid"),
])
"""

EMBEDDING_TO_LSTM = """\
from tensorflow import keras
from tensorflow.keras import layers

# The LSTM gets the mask and skips token 0.
model = keras.Sequential([
    keras.Input((20,), dtype="int32"),
    layers.Embedding(5000, 64, mask_zero=True),
    layers.LSTM(32),
    layers.Dense(1, activation="sigmoid"),
])
"""

RULE = Rule(
    code=Code.EMBEDDING_TO_CONV,
    name="embedding-to-conv",
    title="an Embedding(mask_zero=True) mask reaches a convolution, which destroys it",
    why=(
        "Embedding(mask_zero=True) marks token 0 as padding, but the convolution drops that "
        "mask (Keras 3 warns, Keras 2 was silent). In the usual text CNN the mask never did "
        "anything after the convolution; an RNN after it reads the padded steps as data."
    ),
    when=(
        "an `Embedding(mask_zero=True)` (or keras-hub `TokenAndPositionEmbedding` / "
        "`ReversibleEmbedding` with `mask_zero=True`) mask reaches a convolution"
    ),
    invalid=(TEXT_CNN, CONV_THEN_LSTM),
    valid=(NO_MASK_ZERO, EMBEDDING_TO_LSTM),
    covers=Covers(frozenset({"embedding", "keras-hub-embedding"}), frozenset({Family.CONVOLUTION})),
)
