"""remove: delete the Masking layer, only where that changes nothing.

Guarantee: exact. Masking(0.0) leaves values untouched, and when no layer on any branch uses its
mask, the model without it computes the same outputs (weights load by layer name, unchanged).
"""

from __future__ import annotations

import libcst as cst

from codemod.analysis.findings import Finding
from codemod.rewrite.choose import not_applicable
from codemod.rewrite.edits import RemoveProducer
from codemod.rewrite.outcome import NotApplicable, Rewrite
from codemod.rewrite.syntax import SourceIndex, walk


def rewrite(finding: Finding, index: SourceIndex, keep_producer: bool) -> Rewrite | NotApplicable:
    reason = not_applicable(finding, "remove")
    if reason is not None:
        return NotApplicable(reason)
    if keep_producer:
        return NotApplicable("a mask-aware rewrite of another layer needs this Masking's mask")
    assert finding.targets is not None
    targets = finding.targets
    problem = _removal_problem(index, targets.producer, targets.producer_sites)
    if problem is not None:
        return NotApplicable(problem)
    return Rewrite((RemoveProducer(targets.producer, targets.producer_sites),), "Masking removed")


def _removal_problem(index: SourceIndex, construction, sites) -> str | None:
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
