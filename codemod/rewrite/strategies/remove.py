"""remove: delete the Masking layer, only where that changes nothing.

Guarantee: exact. Masking(0.0) leaves values untouched, and when no layer on any branch uses its
mask, the model without it computes the same outputs (weights load by layer name, unchanged).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from codemod.rewrite.edits import RemoveProducer
from codemod.rewrite.other_files import ONE_FILE, OtherFiles
from codemod.rewrite.outcome import NotApplicable, Rewrite
from codemod.rewrite.strategies import Strategy, mask_still_needed

if TYPE_CHECKING:
    import libcst as cst

    from codemod.analysis.findings import Finding, Site, Span
    from codemod.rewrite.syntax import SourceIndex


class Remove(Strategy):
    name = "remove"
    summary = (
        "Deletes the Masking layer: from a Sequential list, a model.add chain, a functional "
        "chain, or a subclass's __init__ and call."
    )
    guarantee = (
        "Exact values. Only for a literal mask_value of 0 (or the default) when no layer on any "
        "branch uses the mask."
    )
    auto_rank = 1
    deletes_producer = True
    listed = 3

    def not_applicable(
        self, finding: Finding, keep_producer: bool = False, others: OtherFiles = ONE_FILE
    ) -> str | None:
        reason = mask_still_needed(finding, self.name)
        if reason is not None:
            return reason
        producer = finding.producer
        if producer.kind != "masking":
            return f"only a Masking layer can be removed, not {producer.name}"
        if producer.path is not None:
            return (
                f"the Masking is in {producer.path}: removing it there would change every model"
                " built from that module, and remove changes only the file it fixes"
            )
        if not producer.mask_value_literal:
            return "mask_value is not a literal"
        if producer.mask_value != 0:
            return (
                f"mask_value is {producer.mask_value!r}, so Masking changes values (rows become 0)"
            )
        if finding.mask_used_elsewhere:
            return finding.mask_used_elsewhere[0]
        if keep_producer:
            return "a mask-aware rewrite of another layer needs this Masking's mask"
        if finding.producer_indexed_at:
            return (
                f"the list holding Masking is indexed or sliced ({finding.producer_indexed_at}):"
                " removing it would shift the other layers"
            )
        return None

    def rewrite(
        self, finding: Finding, index: SourceIndex, keep_producer: bool
    ) -> Rewrite | NotApplicable:
        assert finding.targets is not None
        targets = finding.targets
        problem = _removal_problem(index, targets.producer, targets.producer_sites)
        if problem is not None:
            return NotApplicable(problem)
        return Rewrite(
            (RemoveProducer(targets.producer, targets.producer_sites),), "Masking removed"
        )

    def auto_reason(self, finding: Finding, keep_producer: bool) -> str:
        return "exact: Masking(mask_value=0) changes no value and no layer uses its mask"


def _removal_problem(index: SourceIndex, construction: Span, sites: tuple[Site, ...]) -> str | None:
    call = index.call(construction)
    if call is None:
        return "cannot find the Masking call"
    if not sites:
        return "Masking is never applied"
    stored = 0
    for site in sites:
        if index.list_element(site) is None and index.add_statement(site) is None:
            application = index.application(site)
            if application is None:
                return "Masking is applied in a way that cannot be unwired (not one plain input)"
            if application.func is call:
                continue
        elif site.span == construction:
            continue
        stored += 1
    if stored == 0:
        return None
    line = index.assignment_of(call)
    if line is None:
        return "Masking is stored in a way that cannot be removed (not `name = Masking(...)`)"
    target = line.body[0].targets[0].target  # type: ignore[union-attr]
    if _references(index.module, target) != stored + 1:
        return "the Masking layer is referred to elsewhere, so it cannot be removed"
    return None


def _references(module: cst.Module, target: cst.BaseExpression) -> int:
    """How often the name or `self.attr` that holds the layer appears in the module."""
    import libcst as cst

    from codemod.rewrite.syntax import walk

    if isinstance(target, cst.Name):
        name = target.value
        return sum(1 for node in walk(module) if isinstance(node, cst.Name) and node.value == name)
    if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
        owner, attr = target.value.value, target.attr.value
        return sum(
            1
            for node in walk(module)
            if isinstance(node, cst.Attribute)
            and node.attr.value == attr
            and isinstance(node.value, cst.Name)
            and node.value.value == owner
        )
    return -1
