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

from codemod.analysis.findings import Finding
from codemod.rewrite.choose import not_applicable
from codemod.rewrite.edits import (
    DropMaskZero,
    EndMaskBefore,
    MaskingToApplyMaskValue,
    MaskingToLambda,
)
from codemod.rewrite.outcome import NotApplicable, Rewrite
from codemod.rewrite.syntax import SourceIndex


def rewrite(finding: Finding, index: SourceIndex, keep_producer: bool) -> Rewrite | NotApplicable:
    reason = not_applicable(finding, "lambda")
    if reason is not None:
        return NotApplicable(reason)
    assert finding.targets is not None
    producer = finding.producer
    keras_2 = finding.keras_module if finding.keras_2 else ""
    if keep_producer:
        layer = "ApplyMask" if producer.kind == "masking" else "EndMask"
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


def _insertion_problem(index: SourceIndex, site) -> str | None:
    if index.list_element(site) is not None or index.add_statement(site) is not None:
        return None
    call = index.application(site)
    if call is None:
        return "cannot find where to end the mask (the layer is not applied to one input)"
    if index.in_method_named(call, "call"):
        return "a layer cannot be created inside call(); end the mask in __init__ by hand"
    return None
