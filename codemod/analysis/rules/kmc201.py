"""KMC201: a mask reaches a layer, other than a convolution, that does not support masking."""

from __future__ import annotations

from codemod.analysis.findings import Code
from codemod.analysis.rules.rule import Covers, Rule

POOLING_BEFORE_LSTM = """\
import keras
from keras import layers

model = keras.Sequential([
    keras.Input((12, 4)),
    layers.Masking(),
    layers.MaxPooling1D(2),
    layers.LSTM(8),
])
"""

FLATTEN = """\
from tensorflow import keras
from tensorflow.keras import layers

inputs = keras.Input((12, 4))
x = layers.Masking(mask_value=0.0)(inputs)
x = layers.Flatten()(x)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
"""

MASKED_AVERAGE = """\
from tensorflow import keras
from tensorflow.keras import layers

# GlobalAveragePooling1D supports masking: a mean over the valid steps only.
model = keras.Sequential([
    keras.Input((12, 4)),
    layers.Masking(),
    layers.Dense(16, activation="relu"),
    layers.GlobalAveragePooling1D(),
    layers.Dense(1),
])
"""

RULE = Rule(
    code=Code.TO_OTHER_DESTROYER,
    name="to-other-destroyer",
    title="a mask reaches a layer that does not support masking (pooling, Flatten, "
    "Reshape, a custom layer...)",
    why=(
        "The layer drops the mask (Keras 3 warns, Keras 2 was silent), so the layers after it "
        "see none: an RNN or a masked average after it counts the padded steps as data."
    ),
    when=(
        "a mask reaches another layer that does not support masking: pooling, global max "
        "pooling, `Flatten`, `Reshape`, `Permute`, `RepeatVector`, padding, cropping, "
        "upsampling, `EinsumDense`, a nested model, a custom layer that does not set "
        "`supports_masking`"
    ),
    invalid=(POOLING_BEFORE_LSTM, FLATTEN),
    valid=(MASKED_AVERAGE,),
    covers=Covers(),  # any producer, any other layer: after the convolution rules
)
