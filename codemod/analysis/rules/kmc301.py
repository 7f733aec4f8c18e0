"""KMC301: TimeDistributed around a shape-changing layer passes a stale mask on."""

from __future__ import annotations

from codemod.analysis.findings import Code
from codemod.analysis.rules.rule import Rule

VIDEO = """\
from tensorflow import keras
from tensorflow.keras import layers

# Clips of 4 frames of 6x6 pixels, 3 channels; padded frames are all zeros.
model = keras.Sequential([
    keras.Input((4, 6, 6, 3)),
    layers.Masking(),
    layers.TimeDistributed(layers.Conv2D(16, 3)),
    layers.TimeDistributed(layers.Flatten()),
    layers.LSTM(8),
])
"""

PER_STEP_DENSE = """\
import keras
from keras import layers

# TimeDistributed(Dense) keeps one mask value per step, which still fits.
model = keras.Sequential([
    keras.Input((4, 3)),
    layers.Masking(),
    layers.TimeDistributed(layers.Dense(8)),
    layers.LSTM(8),
])
"""

RULE = Rule(
    code=Code.TIME_DISTRIBUTED,
    name="time-distributed",
    title="a mask reaches TimeDistributed around a layer that changes its shape: "
    "the mask goes on stale",
    why=(
        "TimeDistributed passes the mask on unchanged and, in Keras 3.15, without a warning. "
        "After Masking on video the mask has one value per pixel; once the wrapped Conv2D "
        "changes the frames' shape it no longer matches, and an LSTM after it fails when the "
        "model runs ('Incompatible shapes' under jax, 'Dimensions must be equal' under "
        "TensorFlow). In Keras 2 the model raises TypeError as it is built."
    ),
    when=(
        "a mask reaches `TimeDistributed` around a layer that changes the shape (e.g. "
        "`TimeDistributed(Conv2D)`): Keras 3.15 passes the mask on unchanged and stale, no "
        "warning; an LSTM after it crashes on a per-pixel mask"
    ),
    invalid=(VIDEO,),
    valid=(PER_STEP_DENSE,),
)
