"""mask-aware: swap each layer that destroys the mask for a helper that uses it and passes it on.

Guarantee: the mask the author meant reaches the layers that use it; outputs at valid positions
do not depend on padding (see templates/keras_helpers.py for each helper's output-mask rule).
"""

from __future__ import annotations

from codemod.analysis.findings import Finding
from codemod.rewrite.choose import not_applicable
from codemod.rewrite.edits import SwapClass, UnwrapTimeDistributed
from codemod.rewrite.helper_source import helper_for_layer
from codemod.rewrite.outcome import NotApplicable, Rewrite
from codemod.rewrite.syntax import SourceIndex


def rewrite(finding: Finding, index: SourceIndex) -> Rewrite | NotApplicable:
    reason = not_applicable(finding, "mask-aware")
    if reason is not None:
        return NotApplicable(reason)
    assert finding.targets is not None
    edits: list = []
    swaps = []
    for span, keras_class in finding.targets.convert:
        helper = helper_for_layer(keras_class)
        if helper is None:  # the analysis only converts layers that have a helper
            return NotApplicable(f"no mask-aware version of {keras_class} exists")
        call = index.call(span)
        written = index.class_named_by(call) if call is not None else None
        if written is None or helper_for_layer(written) != helper:
            what = index.module.code_for_node(call.func) if call is not None else keras_class
            return NotApplicable(
                f"the {keras_class} class is chosen at run time ({what}); "
                f"use {helper} there by hand"
            )
        edits.append(SwapClass(span, helper))
        swaps.append(f"{keras_class} -> {helper}")
    if finding.producer.kind == "time-distributed-masking":
        edits.append(UnwrapTimeDistributed(finding.targets.producer))
        swaps.append("TimeDistributed(Masking) -> Masking")
    return Rewrite(tuple(edits), ", ".join(swaps))
