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

USER_LAYER_MASK = '''\
import keras
from keras import layers


@keras.utils.register_keras_serializable()
class NonZeroSteps(layers.Layer):
    """Passes its input on, with a mask of the steps whose features are not all 0."""

    def call(self, inputs):
        return inputs * 1.0  # a new tensor, not the input (Keras 3.4)

    def compute_mask(self, inputs, mask=None):
        return keras.ops.any(keras.ops.not_equal(inputs, 0.0), axis=-1)


model = keras.Sequential([
    keras.Input((12, 4)),
    NonZeroSteps(),
    layers.Conv1D(64, 5),
])
'''

USER_LAYER_PASSING_THE_MASK_ON = '''\
import keras
from keras import layers


@keras.utils.register_keras_serializable()
class Scale(layers.Layer):
    """Makes no mask of its own: it passes on the one it is given (none here)."""

    def call(self, inputs):
        return inputs * 2.0

    def compute_mask(self, inputs, mask=None):
        return mask


model = keras.Sequential([
    keras.Input((12, 4)),
    Scale(),
    layers.Conv1D(64, 5),
])
'''

RULE = Rule(
    code=Code.OTHER_PRODUCER_TO_CONV,
    name="other-producer-to-conv",
    title="another mask producer's mask reaches a convolution, which destroys it",
    why=(
        "A layer made to produce a mask (a Lambda given mask=..., or a layer of the user's own "
        "whose compute_mask returns a mask) feeds a convolution, which "
        "drops the mask (Keras 3 warns): the mask its author computed reaches no layer after "
        "the convolution."
    ),
    when=(
        "another producer's mask (`Lambda(..., mask=...)`, `TimeDistributed(Masking)`, a layer "
        "the user wrote whose `compute_mask` returns a mask or whose `call` attaches one) "
        "reaches a convolution"
    ),
    invalid=(LAMBDA_MASK, USER_LAYER_MASK),
    valid=(LAMBDA_WITHOUT_MASK, USER_LAYER_PASSING_THE_MASK_ON),
    covers=Covers(families=frozenset({Family.CONVOLUTION})),
)
