"""mask-aware: swap each layer that destroys the mask for a helper that uses it and passes it on.

Guarantee: the mask the author meant reaches the layers that use it; outputs at valid positions
do not depend on padding (see templates/keras_helpers.py for each helper's output-mask rule).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from codemod.catalogue import HELPER_MASK, helper_for_layer
from codemod.rewrite.edits import SwapClass, UnwrapTimeDistributed
from codemod.rewrite.other_files import ONE_FILE, OtherFiles
from codemod.rewrite.outcome import NotApplicable, Rewrite
from codemod.rewrite.strategies import Strategy

if TYPE_CHECKING:
    from codemod.analysis.findings import Finding, Span
    from codemod.rewrite.syntax import SourceIndex


class MaskAware(Strategy):
    name = "mask-aware"
    summary = (
        "Each layer that destroys the mask becomes its Masked* version, with the very same "
        "arguments, and so does every later destroyer the mask now reaches."
    )
    guarantee = (
        "The mask reaches the layers that use it; outputs at valid steps do not depend on "
        "padding. Keras 3 only."
    )
    restores_mask = True
    auto_rank = 3
    helpers = frozenset(name for name in HELPER_MASK if name.startswith("Masked"))
    listed = 1

    def not_applicable(
        self, finding: Finding, keep_producer: bool = False, others: OtherFiles = ONE_FILE
    ) -> str | None:
        if finding.keras_2:
            return _keras_2_reason(finding)
        destroyer = finding.destroyer.name
        elsewhere = finding.targets.convert_elsewhere if finding.targets else ()
        for layer in elsewhere:
            reason = others.why_not(layer.file)
            if reason is not None:
                labels = ", ".join(other.label for other in elsewhere)
                return f"the mask-aware layers would replace {labels}, in another file: {reason}"
        if not finding.destroyer_is_keras and finding.path_blockers[:1] == (destroyer,):
            return (
                f"{destroyer} is not a Keras layer; make it mask-aware by hand "
                "(supports_masking = True and a compute_mask for its output)"
            )
        if finding.path_blockers:
            return f"no mask-aware version of {', '.join(finding.path_blockers)} exists"
        return None

    def rewrite(
        self, finding: Finding, index: SourceIndex, keep_producer: bool
    ) -> Rewrite | NotApplicable:
        assert finding.targets is not None
        edits: list = []
        swaps = []
        for span, keras_class in finding.targets.convert:
            helper = helper_for_layer(keras_class)
            if helper is None:  # the analysis only converts layers that have a helper
                return NotApplicable(f"no mask-aware version of {keras_class} exists")
            chosen = chosen_at_run_time(index, span, helper)
            if chosen is not None:
                return NotApplicable(
                    f"the {keras_class} class is chosen at run time ({chosen or keras_class}); "
                    f"use {helper} there by hand"
                )
            edits.append(SwapClass(span, helper))
            swaps.append(f"{keras_class} -> {helper}")
        if finding.producer.kind == "time-distributed-masking":
            edits.append(UnwrapTimeDistributed(finding.targets.producer))
            swaps.append("TimeDistributed(Masking) -> Masking")
        elsewhere = []
        for layer in finding.targets.convert_elsewhere:
            helper = helper_for_layer(layer.keras_class)
            if helper is None:  # the analysis only converts layers that have a helper
                return NotApplicable(f"no mask-aware version of {layer.keras_class} exists")
            elsewhere.append((layer.file, SwapClass(layer.span, helper)))
            swaps.append(f"{layer.keras_class} -> {helper} ({layer.where})")
        return Rewrite(tuple(edits), ", ".join(swaps), elsewhere=tuple(elsewhere))

    def auto_reason(self, finding: Finding, keep_producer: bool) -> str:
        down = finding.mask_user
        if down is not None:
            return f"the {down.name} at {down.where} needs the mask"
        return "the layer is already made mask-aware for another finding"


def chosen_at_run_time(index: SourceIndex, span: Span, helper: str) -> str | None:
    """None when the construction at `span` names the class `helper` replaces, so the swap can
    be written; else the code that chooses the class there (`conv`, `layer_class`), or "" when
    there is no call at `span`."""
    call = index.call(span)
    written = index.class_named_by(call) if call is not None else None
    if written is not None and helper_for_layer(written) == helper:
        return None
    return index.module.code_for_node(call.func) if call is not None else ""


def _keras_2_reason(finding: Finding) -> str:
    """Why mask-aware cannot go where Keras 2 runs: its helper layers are Keras 3 code."""
    if finding.keras_2_target:
        return f"the mask-aware helpers need Keras 3, and the target is {finding.keras_2_target}"
    return (
        "the mask-aware helpers need Keras 3, and this code imports Keras 2 (tf_keras or the like)"
    )
