"""KMC103: another mask producer's mask reaches a convolution."""

from __future__ import annotations

from codemod.analysis.findings import Code
from codemod.analysis.rules.rule import Covers, Rule
from codemod.catalogue import Family

LAMBDA_MASK = '''\
from tensorflow import keras
from tensorflow.keras import layers


@keras.utils.register_keras_serializable()
def scale(x):
    return x * 2.0


@keras.utils.register_keras_serializable()
def keep_mask(inputs, mask=None):
    """A step is valid unless all its features are 0."""
    return keras.ops.any(keras.ops.not_equal(inputs, 0.0), axis=-1)


model = keras.Sequential([
    keras.Input((12, 4)),
    layers.Lambda(scale, mask=keep_mask),
    layers.Conv1D(64, 5),
])
'''

LAMBDA_WITHOUT_MASK = """\
import keras
from keras import layers


@keras.utils.register_keras_serializable()
def scale(x):
    return x * 2.0


# A Lambda without mask= makes no mask.
model = keras.Sequential([
    keras.Input((12, 4)),
    layers.Lambda(scale),
    layers.Conv1D(64, 5),
])
"""

RULE = Rule(
    code=Code.OTHER_PRODUCER_TO_CONV,
    name="other-producer-to-conv",
    title="another mask producer's mask reaches a convolution, which destroys it",
    why=(
        "A layer made to produce a mask (a Lambda given mask=...) feeds a convolution, which "
        "drops the mask (Keras 3 warns): the mask its author computed reaches no layer after "
        "the convolution."
    ),
    when=(
        "another producer's mask (`Lambda(..., mask=...)`, `TimeDistributed(Masking)`) reaches "
        "a convolution"
    ),
    invalid=(LAMBDA_MASK,),
    valid=(LAMBDA_WITHOUT_MASK,),
    covers=Covers(families=frozenset({Family.CONVOLUTION})),
)
