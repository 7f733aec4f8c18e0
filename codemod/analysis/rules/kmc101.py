"""KMC101: a Masking layer's mask reaches a convolution."""

from __future__ import annotations

from codemod.analysis.findings import Code
from codemod.analysis.rules.rule import Covers, Rule
from codemod.catalogue import Family

SENSOR_LSTM = """\
from tensorflow import keras
from tensorflow.keras import layers

# Sensor sequences of 12 steps, padded at the end with rows of -1.0.
model = keras.Sequential([
    keras.Input((12, 4)),
    layers.Masking(mask_value=-1.0),
    layers.Conv1D(32, 5, padding="same", activation="relu"),
    layers.LSTM(16),
    layers.Dense(1),
])
"""

FUNCTIONAL_GRU = """\
import keras
from keras import layers

inputs = keras.Input((12, 4))
x = layers.Masking()(inputs)
x = layers.Conv1D(16, 3, padding="causal")(x)
x = layers.GRU(8)(x)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
"""

MASKING_TO_LSTM = """\
from tensorflow import keras
from tensorflow.keras import layers

# The LSTM gets the mask: it skips the padded steps.
model = keras.Sequential([
    keras.Input((12, 4)),
    layers.Masking(mask_value=-1.0),
    layers.LSTM(16),
    layers.Dense(1),
])
"""

CONV_BEFORE_MASKING = """\
import keras
from keras import layers

# The convolution runs first; the mask is made after it, from its output.
model = keras.Sequential([
    keras.Input((12, 4)),
    layers.Conv1D(16, 3, padding="same"),
    layers.Masking(),
    layers.GRU(8),
])
"""

RULE = Rule(
    code=Code.MASKING_TO_CONV,
    name="masking-to-conv",
    title="a Masking layer's mask reaches a convolution, which destroys it",
    why=(
        'Convolutions do not support masking: Keras 3 warns that the layer "does not support '
        'masking" and drops the mask, Keras 2 dropped it silently. No layer after the '
        "convolution ever skipped the padded steps: an LSTM after it reads the padding as data, "
        "so a sample's output depends on how much padding it has."
    ),
    when=(
        "a `Masking` layer's mask reaches a convolution (Conv1D/2D/3D, transposed, separable, "
        "depthwise, and their `Convolution*` aliases), which destroys it"
    ),
    invalid=(SENSOR_LSTM, FUNCTIONAL_GRU),
    valid=(MASKING_TO_LSTM, CONV_BEFORE_MASKING),
    covers=Covers(frozenset({"masking"}), frozenset({Family.CONVOLUTION})),
)
