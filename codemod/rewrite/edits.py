"""The changes a strategy asks for, as plain data: what to do, and where (spans from the analysis).

Strategies decide; `transform.py` carries the edits out on the libcst tree. Edits are values, so
two findings asking for the same change (one producer, two destroyers) make one change.
"""

from __future__ import annotations

from dataclasses import dataclass

from codemod.analysis.findings import Site, Span


@dataclass(frozen=True)
class SwapClass:
    """mask-aware: construct the mask-aware helper instead, with the very same arguments."""

    target: Span  # the construction call, e.g. `layers.Conv1D(64, 5)`
    helper: str  # e.g. "MaskedConv1D"


@dataclass(frozen=True)
class UnwrapTimeDistributed:
    """mask-aware: `TimeDistributed(Masking(v))` attaches no mask in Keras 3; `Masking(v)` gives the
    same values and the per-position mask the author meant."""

    target: Span


@dataclass(frozen=True)
class MaskingToLambda:
    """lambda: `Masking(mask_value=v, ...)` becomes `Lambda(apply_mask, ..., arguments=...)`."""

    target: Span


@dataclass(frozen=True)
class MaskingToApplyMaskValue:
    """lambda on Keras 2: `Masking(...)` becomes `ApplyMaskValue(...)`, the very same arguments.

    Keras 2's Lambda saves any Python function as bytecode, which `.keras` files refuse to load
    with the default safe_mode, so the Keras 2 helper is a registered layer, not a function.
    """

    target: Span
    keras: str  # the Keras 2 module the helper is written against: "tf_keras", "tensorflow.keras"


@dataclass(frozen=True)
class DropMaskZero:
    """lambda: `Embedding(..., mask_zero=True)` loses the argument, so no mask is made."""

    target: Span


@dataclass(frozen=True)
class EndMaskBefore:
    """lambda on a shared producer: end the mask just before one destroying application."""

    site: Site
    layer: str  # "ApplyMask" (zero masked steps) or "EndMask" (values unchanged)
    keras: str = ""  # on Keras 2: the module its helper is written against; "" for Keras 3


@dataclass(frozen=True)
class RemoveProducer:
    """remove: delete the Masking layer from where it is applied and where it is constructed."""

    construction: Span
    sites: tuple[Site, ...]


Edit = (
    SwapClass
    | UnwrapTimeDistributed
    | MaskingToLambda
    | MaskingToApplyMaskValue
    | DropMaskZero
    | EndMaskBefore
    | RemoveProducer
)


def helpers_used(edit: Edit) -> tuple[str, ...]:
    """Names from the helper template that the rewritten code refers to."""
    if isinstance(edit, SwapClass):
        return (edit.helper,)
    if isinstance(edit, MaskingToLambda):
        return ("apply_mask", "apply_mask_output_shape")
    if isinstance(edit, MaskingToApplyMaskValue):
        return ("ApplyMaskValue",)
    if isinstance(edit, EndMaskBefore):
        return (edit.layer,)
    return ()


def helpers_keras_2(edit: Edit) -> str:
    """The Keras 2 module the edit's helpers are written against ("tf_keras"...): they come from
    the Keras 2 template; "" when they come from the Keras 3 one (or there are none)."""
    if isinstance(edit, (MaskingToApplyMaskValue, EndMaskBefore)):
        return edit.keras
    return ""
