"""KMC401: helpers an older keras-mask-codemod pasted, out of date."""

from __future__ import annotations

from codemod.analysis.findings import Code
from codemod.analysis.names import KERAS_3_TEMPLATE, template_block
from codemod.analysis.rules.rule import Rule

_MODEL = """\
model = keras.Sequential([
    keras.Input((12, 4)),
    layers.Masking(),
    MaskedConv1D(16, 3, padding="same"),
    layers.LSTM(8),
])
"""


def _with_helpers(template: str) -> str:
    """A model whose MaskedConv1D was pasted by `fix` from `template`."""
    block = template_block(template, ["MaskedConv1D"])
    return f"import keras\nfrom keras import layers\n\n\n{block}\n\n{_MODEL}"


RULE = Rule(
    code=Code.OUTDATED_HELPERS,
    name="outdated-helpers",
    title="helpers pasted by an older keras-mask-codemod are out of date",
    why=(
        "Every pasted copy registers its layers under the same names "
        "(keras_mask_codemod>MaskedConv1D...), and Keras keeps whichever copy was imported "
        "last: copies written by different versions drift apart unnoticed, and a saved model "
        "reloads with either. fix replaces an unedited old copy with this version's, in place; "
        "a copy edited by hand is left as it is, and the finding says so."
    ),
    when=(
        "a block of helpers under the header comment of an older keras-mask-codemod version, "
        "in a model file or a helpers module"
    ),
    invalid=(_with_helpers("keras_helpers_v1.py"),),
    valid=(_with_helpers(KERAS_3_TEMPLATE),),
)
