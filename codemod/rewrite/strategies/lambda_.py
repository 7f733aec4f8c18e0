"""lambda: make the masking explicit where Keras drops it, so values stay exactly as they were.

Guarantee: every output equals the original model's (same weights), and no mask is attached
where it was destroyed. Masking becomes `Lambda(apply_mask, ...)` (masked steps become 0, as
Masking made them); Embedding loses `mask_zero=True`. When another branch uses the producer's
mask, the producer stays and the mask is ended just before the destroying layer instead:
`ApplyMask()` after Masking (values already zero there), `EndMask()` after an Embedding.

On Keras 2 (a Keras 2 target, or tf_keras-style imports) the helpers come from the Keras 2
template, written against the module the layers come from, and Masking becomes the registered
layer `ApplyMaskValue(...)` with the same arguments: Keras 2's Lambda would save `apply_mask` as
bytecode, which `.keras` files refuse to load with the default safe_mode.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from codemod.catalogue import HELPER_FUNCTIONS
from codemod.rewrite.edits import (
    DropMaskZero,
    EndMaskBefore,
    MaskingToApplyMaskValue,
    MaskingToLambda,
)
from codemod.rewrite.other_files import ONE_FILE, OtherFiles
from codemod.rewrite.outcome import NotApplicable, Rewrite
from codemod.rewrite.strategies import Strategy, mask_still_needed

if TYPE_CHECKING:
    from codemod.analysis.findings import Finding, Site
    from codemod.rewrite.syntax import SourceIndex

# TensorFlow's private copy of Keras: no keras.utils.register_keras_serializable to register with.
_NO_HELPERS_MODULES = ("tensorflow.python.keras",)


class Lambda(Strategy):
    name = "lambda"
    summary = (
        "Masking becomes Lambda(apply_mask, ...) (on Keras 2 the registered layer "
        "ApplyMaskValue(...)), Embedding loses mask_zero=True, or ApplyMask()/EndMask() ends the "
        "mask on one branch."
    )
    guarantee = (
        "Exact values: with the same weights every output equals today's, and no mask is "
        "attached where it was destroyed."
    )
    auto_rank = 2
    helpers = HELPER_FUNCTIONS | {"ApplyMask", "EndMask", "ApplyMaskValue"}
    listed = 2

    def not_applicable(
        self, finding: Finding, keep_producer: bool = False, others: OtherFiles = ONE_FILE
    ) -> str | None:
        reason = mask_still_needed(finding, self.name)
        if reason is not None:
            return reason
        producer = finding.producer
        if producer.kind not in ("masking", "embedding"):
            return f"lambda rewrites Masking and Embedding producers only, not {producer.name}"
        if producer.path is not None and not keep_producer:
            return (
                f"the {producer.name} is in {producer.path}: changing it there would change"
                " every model built from that module, and lambda changes only the file it fixes"
            )
        if producer.set_in_class and not keep_producer:
            return (
                f"mask_zero=True is set inside {producer.set_in_class}'s __init__, not where it"
                " is called; end the mask there by hand, or use mask-aware"
            )
        if producer.assumes:
            return (
                f"mask_zero comes from a parameter ({producer.assumes.removeprefix('with ')}):"
                " mask-aware layers work whatever the callers pass"
            )
        if finding.keras_2 and (producer.kind == "masking" or finding.mask_used_elsewhere):
            return _keras_2_helpers_problem(finding)  # Keras 2 helpers, written for its module
        return None  # a non-literal mask_value is passed through unchanged as a Lambda argument

    def rewrite(
        self, finding: Finding, index: SourceIndex, keep_producer: bool
    ) -> Rewrite | NotApplicable:
        assert finding.targets is not None
        producer = finding.producer
        keras_2 = finding.keras_module if finding.keras_2 else ""
        if keep_producer:
            layer = "ApplyMask" if producer.kind == "masking" else "EndMask"
            if finding.destroyer.path is not None:
                return NotApplicable(
                    f"the {finding.destroyer.name} is in {finding.destroyer.path}: {layer}() would"
                    " go there, and lambda changes only the file it fixes"
                )
            if finding.destroyer_indexed_at:
                return NotApplicable(
                    f"the list holding {finding.destroyer.name} is indexed or sliced"
                    f" ({finding.destroyer_indexed_at}): inserting {layer}() would shift it"
                )
            edits = []
            for site in finding.targets.destroyer_sites:
                problem = _insertion_problem(index, site)
                if problem is not None:
                    return NotApplicable(problem)
                edits.append(EndMaskBefore(site, layer, keras_2))
            return Rewrite(tuple(edits), f"{layer}() before {finding.destroyer.name}")
        if producer.kind == "masking" and keras_2:
            return Rewrite(
                (MaskingToApplyMaskValue(finding.targets.producer, keras_2),),
                "Masking -> ApplyMaskValue",
            )
        if producer.kind == "masking":
            return Rewrite(
                (MaskingToLambda(finding.targets.producer),), "Masking -> Lambda(apply_mask)"
            )
        return Rewrite(
            (DropMaskZero(finding.targets.producer),), f"{producer.name}: drop mask_zero=True"
        )

    def auto_reason(self, finding: Finding, keep_producer: bool) -> str:
        if keep_producer:
            return "exact values; the mask stays for the layers on the other branch"
        producer = finding.producer
        if producer.kind == "masking":
            masking = (
                f"Masking({producer.mask_value!r})" if producer.mask_value_literal else "Masking"
            )
            return f"exact values: keeps what {masking} computed, no layer used its mask"
        return "exact values: no layer used the mask"


def _keras_2_helpers_problem(finding: Finding) -> str | None:
    """Why the Keras 2 lambda helpers (templates/keras2_helpers.py) cannot be written for the
    module the finding's layers come from, or None when they can."""
    module = finding.keras_module
    if module in _NO_HELPERS_MODULES:
        return (
            f"{module} is TensorFlow's private copy of Keras, with no "
            "keras.utils.register_keras_serializable for a helper layer; import Keras as "
            "tf.keras or tf_keras"
        )
    if not module:
        return (
            f"cannot tell which Keras module the {finding.producer.name} comes from, to write "
            "the Keras 2 helper for it"
        )
    return None


def _insertion_problem(index: SourceIndex, site: Site) -> str | None:
    if index.list_element(site) is not None or index.add_statement(site) is not None:
        return None
    call = index.application(site)
    if call is None:
        return "cannot find where to end the mask (the layer is not applied to one input)"
    if index.in_method_named(call, "call"):
        return "a layer cannot be created inside call(); end the mask in __init__ by hand"
    return None
