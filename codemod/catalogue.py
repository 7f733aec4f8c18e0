"""What each Keras layer does with a mask, as data.

Every fact here comes from ../shared/keras-masking-facts.md (checked against Keras 3.15.1) and is tested
against the installed Keras in tests/test_catalogue.py. A Keras release that changes one layer is one entry
in `KERAS_RELEASES` plus a test, not a code change.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum


class Family(str, Enum):
    """Why a layer matters to the analysis; also picks the finding's rule code."""

    MASKING = "masking"
    EMBEDDING = "embedding"
    LAMBDA = "lambda"
    CONVOLUTION = "convolution"
    POOLING = "pooling"
    GLOBAL_POOLING = "global-pooling"
    FLATTEN = "flatten"
    RESHAPING = "reshaping"
    RNN = "rnn"
    ATTENTION = "attention"
    MERGE = "merge"
    WRAPPER = "wrapper"
    OTHER = "other"


class HelperMask(str, Enum):
    """What a mask-aware helper (templates/keras_helpers.py) does with the mask it receives."""

    COMPUTES = "computes"  # uses it and attaches the mask of its own output (convolution, pooling)
    ENDS = "ends"  # uses it and attaches none (global pooling, Flatten)
    PER_FRAME = "per-frame"  # one value per frame (MaskedTimeDistributed)


class Passes(str, Enum):
    """What mask a layer attaches to its output when it receives one."""

    SAME = "same"  # the input mask, unchanged
    NONE = "none"  # no mask: the layer ends it
    IF_RETURN_SEQUENCES = "if-return-sequences"  # RNNs: the mask only with return_sequences=True
    ANY_INPUT = "any-input"  # Concatenate: unmasked inputs count as all-True
    ALL_INPUTS = "all-inputs"  # Add & co: OR of the masks, but none if any input has none
    FIRST_INPUT = "first-input"  # attention: the query's mask


@dataclass(frozen=True)
class LayerFact:
    """One Keras layer class and its masking behaviour.

    supports_masking: False means Keras warns "does not support masking" and drops the mask.
    uses_mask: the layer reads the mask (RNNs, attention, GlobalAveragePooling1D, BatchNormalization).
    shows_mask_intent: a layer whose presence after a destroyer shows the author meant the mask to
    reach it (the auto strategy then restores the mask). BatchNormalization uses the mask but follows
    nearly every convolution, so it does not count.
    helper: the mask-aware class `fix` puts in the layer's place (templates/keras_helpers.py), with
    the very same arguments; "" when there is none. helper_mask says what it does with the mask.
    """

    name: str
    family: Family
    supports_masking: bool
    passes: Passes = Passes.SAME
    uses_mask: bool = False
    shows_mask_intent: bool = False
    aliases: tuple[str, ...] = ()
    helper: str = ""
    helper_mask: HelperMask | None = None


def _destroys(name: str, family: Family, *aliases: str) -> LayerFact:
    return LayerFact(name, family, supports_masking=False, passes=Passes.NONE, aliases=aliases)


def _masked(name: str, family: Family, *aliases: str, ends: bool = False) -> LayerFact:
    """A layer that destroys the mask and has a mask-aware helper, `Masked<name>`."""
    return replace(
        _destroys(name, family, *aliases),
        helper=f"Masked{name}",
        helper_mask=HelperMask.ENDS if ends else HelperMask.COMPUTES,
    )


def _passes(name: str, family: Family = Family.OTHER, *aliases: str) -> LayerFact:
    return LayerFact(name, family, supports_masking=True, aliases=aliases)


def _rnn(name: str) -> LayerFact:
    return LayerFact(
        name,
        Family.RNN,
        supports_masking=True,
        passes=Passes.IF_RETURN_SEQUENCES,
        uses_mask=True,
        shows_mask_intent=True,
    )


def _attention(name: str) -> LayerFact:
    return LayerFact(
        name,
        Family.ATTENTION,
        supports_masking=True,
        passes=Passes.FIRST_INPUT,
        uses_mask=True,
        shows_mask_intent=True,
    )


_C = Family.CONVOLUTION
_P = Family.POOLING
_G = Family.GLOBAL_POOLING
_R = Family.RESHAPING

KERAS_3_15: tuple[LayerFact, ...] = (
    # Producers: their own mask comes from their arguments (see PRODUCERS below).
    LayerFact("Masking", Family.MASKING, supports_masking=True),
    LayerFact("Embedding", Family.EMBEDDING, supports_masking=False, passes=Passes.NONE),
    LayerFact("Lambda", Family.LAMBDA, supports_masking=False, passes=Passes.NONE),
    # Convolutions never used a mask.
    _masked("Conv1D", _C, "Convolution1D"),
    _masked("Conv2D", _C, "Convolution2D"),
    _masked("Conv3D", _C, "Convolution3D"),
    _masked("Conv1DTranspose", _C, "Convolution1DTranspose"),
    _masked("Conv2DTranspose", _C, "Convolution2DTranspose"),
    _masked("Conv3DTranspose", _C, "Convolution3DTranspose"),
    _masked("SeparableConv1D", _C, "SeparableConvolution1D"),
    _masked("SeparableConv2D", _C, "SeparableConvolution2D"),
    _masked("DepthwiseConv1D", _C),
    _masked("DepthwiseConv2D", _C),
    # Pooling.
    _masked("MaxPooling1D", _P, "MaxPool1D"),
    _masked("MaxPooling2D", _P, "MaxPool2D"),
    _masked("MaxPooling3D", _P, "MaxPool3D"),
    _masked("AveragePooling1D", _P, "AvgPool1D"),
    _masked("AveragePooling2D", _P, "AvgPool2D"),
    _masked("AveragePooling3D", _P, "AvgPool3D"),
    _masked("GlobalMaxPooling1D", _G, "GlobalMaxPool1D", ends=True),
    _masked("GlobalMaxPooling2D", _G, "GlobalMaxPool2D", ends=True),
    _masked("GlobalMaxPooling3D", _G, "GlobalMaxPool3D", ends=True),
    _masked("GlobalAveragePooling2D", _G, "GlobalAvgPool2D", ends=True),
    _masked("GlobalAveragePooling3D", _G, "GlobalAvgPool3D", ends=True),
    _destroys("AdaptiveAveragePooling1D", _P),
    _destroys("AdaptiveAveragePooling2D", _P),
    _destroys("AdaptiveAveragePooling3D", _P),
    _destroys("AdaptiveMaxPooling1D", _P),
    _destroys("AdaptiveMaxPooling2D", _P),
    _destroys("AdaptiveMaxPooling3D", _P),
    LayerFact(
        "GlobalAveragePooling1D",
        _G,
        supports_masking=True,
        passes=Passes.NONE,
        uses_mask=True,
        shows_mask_intent=True,
        aliases=("GlobalAvgPool1D",),
    ),
    # Shape changers.
    _masked("Flatten", Family.FLATTEN, ends=True),
    _destroys("Reshape", _R),
    _destroys("Permute", _R),
    _destroys("RepeatVector", _R),
    _destroys("ZeroPadding1D", _R),
    _destroys("ZeroPadding2D", _R),
    _destroys("ZeroPadding3D", _R),
    _destroys("Cropping1D", _R),
    _destroys("Cropping2D", _R),
    _destroys("Cropping3D", _R),
    _destroys("UpSampling1D", _R),
    _destroys("UpSampling2D", _R),
    _destroys("UpSampling3D", _R),
    _destroys("EinsumDense", Family.OTHER),
    _destroys("RMSNormalization", Family.OTHER),
    _destroys("SpectralNormalization", Family.OTHER),
    # Pass the mask on unchanged.
    _passes("Dense"),
    _passes("Identity"),
    _passes("Activation"),
    _passes("ReLU"),
    _passes("LeakyReLU"),
    _passes("PReLU"),
    _passes("ELU"),
    _passes("Softmax"),
    _passes("Dropout"),
    _passes("SpatialDropout1D"),
    _passes("SpatialDropout2D"),
    _passes("SpatialDropout3D"),
    _passes("AlphaDropout"),
    _passes("GaussianDropout"),
    _passes("GaussianNoise"),
    _passes("ActivityRegularization"),
    LayerFact("BatchNormalization", Family.OTHER, supports_masking=True, uses_mask=True),
    _passes("LayerNormalization"),
    _passes("GroupNormalization"),
    _passes("UnitNormalization"),
    _passes("Normalization"),
    _passes("Rescaling"),
    # Mask users.
    _rnn("RNN"),
    _rnn("LSTM"),
    _rnn("GRU"),
    _rnn("SimpleRNN"),
    _rnn("ConvLSTM1D"),
    _rnn("ConvLSTM2D"),
    _rnn("ConvLSTM3D"),
    _attention("Attention"),
    _attention("AdditiveAttention"),
    _attention("MultiHeadAttention"),
    _attention("GroupQueryAttention"),
    # Merge layers.
    LayerFact("Add", Family.MERGE, True, Passes.ALL_INPUTS),
    LayerFact("Subtract", Family.MERGE, True, Passes.ALL_INPUTS),
    LayerFact("Multiply", Family.MERGE, True, Passes.ALL_INPUTS),
    LayerFact("Average", Family.MERGE, True, Passes.ALL_INPUTS),
    LayerFact("Maximum", Family.MERGE, True, Passes.ALL_INPUTS),
    LayerFact("Minimum", Family.MERGE, True, Passes.ALL_INPUTS),
    LayerFact("Concatenate", Family.MERGE, True, Passes.ANY_INPUT),
    LayerFact("Dot", Family.MERGE, True, Passes.NONE),
    # Wrappers: what they do depends on the wrapped layer (see analysis.flow).
    LayerFact("Bidirectional", Family.WRAPPER, True, Passes.IF_RETURN_SEQUENCES, True, True),
    LayerFact(
        "TimeDistributed",
        Family.WRAPPER,
        True,
        helper="MaskedTimeDistributed",
        helper_mask=HelperMask.PER_FRAME,
    ),
)

# Keras releases that change a layer, oldest first. Each entry maps a release to the facts it replaces.
# keras-team/keras a8b52ca1 (#23235, on master, in no release yet): RNNs, Bidirectional and
# TimeDistributed stop supporting masks; RNNs still use the mask they are given.
KERAS_3_16_CHANGES: dict[str, dict[str, object]] = {
    name: {"supports_masking": False, "passes": Passes.NONE}
    for name in (
        "RNN",
        "LSTM",
        "GRU",
        "SimpleRNN",
        "ConvLSTM1D",
        "ConvLSTM2D",
        "ConvLSTM3D",
        "Bidirectional",
        "TimeDistributed",
    )
}
# Each key is the first Keras version its entry holds for: a target (codemod/target.py) selects
# the newest key not after its version.
KERAS_RELEASES: dict[str, dict[str, dict[str, object]]] = {
    # Keras 2 (TensorFlow <= 2.15, tf_keras): the same facts for now. A layer that does not support
    # masking drops the mask silently there, with no warning: the same bug, unseen.
    "2": {},
    "3": {},  # Keras 3.0 to 3.15
    "3.16": KERAS_3_16_CHANGES,  # Keras 3.16 and later (today's master)
}
DEFAULT_RELEASE = "3"
NEWEST_KERAS = (3, 15)  # the newest Keras release: what a project without pins runs

# Argument spellings the analysis reads.
MASKING_DEFAULT_VALUE = 0.0
RNN_RETURN_SEQUENCES = "return_sequences"

# Layers outside keras.layers that produce a mask when built with mask_zero=True (keras-hub).
KERAS_HUB_EMBEDDINGS = frozenset({"TokenAndPositionEmbedding", "ReversibleEmbedding"})

# Every helper class `fix` emits, and what it does with the mask. A file that defines or imports
# one of these names is using our helper, so the analysis knows what it does. The mask-aware
# helpers come from the layer facts above; the lambda strategy's layers (ApplyMaskValue on Keras 2
# only) end the mask; its functions (apply_mask) are given to Lambda.
HELPER_MASK: dict[str, HelperMask] = {
    **{fact.helper: fact.helper_mask for fact in KERAS_3_15 if fact.helper and fact.helper_mask},
    "ApplyMask": HelperMask.ENDS,
    "ApplyMaskValue": HelperMask.ENDS,
    "EndMask": HelperMask.ENDS,
}
HELPER_FUNCTIONS = frozenset({"apply_mask", "apply_mask_output_shape"})
_FACT_BY_NAME: dict[str, LayerFact] = {
    name: fact for fact in KERAS_3_15 for name in (fact.name, *fact.aliases)
}


def helper_for_layer(keras_class_name: str) -> str | None:
    """The mask-aware helper class that replaces a Keras layer class (aliases accepted), or None."""
    fact = _FACT_BY_NAME.get(keras_class_name)
    return fact.helper if fact is not None and fact.helper else None


class Catalogue:
    """Facts for one Keras release, looked up by class name or alias."""

    def __init__(self, release: str = DEFAULT_RELEASE) -> None:
        if release not in KERAS_RELEASES:
            raise ValueError(
                f"unknown Keras release {release!r}; known: {', '.join(KERAS_RELEASES)}"
            )
        self.release = release
        changes = KERAS_RELEASES[release]
        self._by_name: dict[str, LayerFact] = {}
        for fact in KERAS_3_15:
            fact = replace(fact, **changes.get(fact.name, {}))  # type: ignore[arg-type]
            for name in (fact.name, *fact.aliases):
                self._by_name[name] = fact

    def get(self, name: str) -> LayerFact | None:
        return self._by_name.get(name)

    def names(self) -> frozenset[str]:
        return frozenset(self._by_name)

    def __iter__(self):
        return iter({id(f): f for f in self._by_name.values()}.values())


CATALOGUE = Catalogue()
