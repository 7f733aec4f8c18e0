"""KMC900: a mask producer whose mask the analysis cannot follow."""

from __future__ import annotations

from codemod.analysis.findings import Code
from codemod.analysis.rules.rule import Rule

MASK_ZERO_FROM_A_VARIABLE = """\
import os

from tensorflow import keras
from tensorflow.keras import layers

# Whether token 0 is padding is only known when the program runs.
use_mask = os.environ.get("USE_MASK", "1") == "1"

model = keras.Sequential([
    keras.Input((20,), dtype="int32"),
    layers.Embedding(5000, 64, mask_zero=use_mask),
    layers.Conv1D(64, 5, activation="relu"),
    layers.GlobalMaxPooling1D(),
    layers.Dense(1, activation="sigmoid"),
])
"""

LITERAL_MASK_ZERO = """\
import keras
from keras import layers

# A literal mask_zero, and an LSTM that uses the mask: nothing to review.
model = keras.Sequential([
    keras.Input((20,), dtype="int32"),
    layers.Embedding(5000, 64, mask_zero=True),
    layers.LSTM(32),
    layers.Dense(1, activation="sigmoid"),
])
"""

RULE = Rule(
    code=Code.MANUAL_REVIEW,
    name="manual-review",
    title="a mask producer is present but its mask flows where the analysis cannot follow: "
    "review by hand",
    why=(
        "A mask producer is there, so a mask may be destroyed, but the analysis cannot tell "
        "whether there is one or where it goes. fix never rewrites these: a person has to "
        "look, and fix the model with one of the strategies' rewrites by hand if it is needed."
    ),
    when=(
        "a producer is certainly there but its mask flows where static analysis cannot follow "
        "(a function from another module, a dynamic list, `mask_zero=some_variable`, "
        "`return_sequences=flag`), or exists only when the model runs (a layer the user wrote "
        "returns its Embedding's output)"
    ),
    invalid=(MASK_ZERO_FROM_A_VARIABLE,),
    valid=(LITERAL_MASK_ZERO,),
)
