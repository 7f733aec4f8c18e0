"""Choose a rewrite per finding and make the choices agree within a file.

`auto`: mask-aware where a mask user further down shows the author meant the mask to reach
it; otherwise remove when exact; otherwise lambda. One producer can feed several findings: once
any rewrite keeps its mask alive (mask-aware) or another branch uses it, the producer stays, so
remove no longer applies and lambda ends the mask on the destroying branch only.

A named strategy applies to every finding or to none: if it does not apply to one finding, the
file is left untouched and each such finding is reported with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from codemod.analysis.findings import Code, Finding, Span
from codemod.rewrite import explicit_mask, mask_aware, remove
from codemod.rewrite.edits import Edit
from codemod.rewrite.outcome import NotApplicable, Rewrite
from codemod.rewrite.syntax import SourceIndex


@dataclass(frozen=True)
class Change:
    """What happens to one finding: `summary` is None when nothing is rewritten."""

    finding: Finding
    strategy: str  # "mask-aware", "lambda", "remove" or "manual"
    summary: str | None
    reason: str


def plan(
    findings: Sequence[Finding], strategy: str, index: SourceIndex
) -> tuple[list[Change], list[Edit]]:
    """The change for each finding, and the edits that make them (empty if none apply)."""
    manual = [
        Change(f, "manual", None, "the mask's path cannot be followed: review by hand")
        for f in findings
        if f.code is Code.MANUAL_REVIEW
    ]
    fixable = [f for f in findings if f.code is not Code.MANUAL_REVIEW]
    if strategy == "auto":
        changes, edits = _auto(fixable, index)
    else:
        changes, edits = _forced(fixable, strategy, index)
    order = {id(f): position for position, f in enumerate(findings)}
    changes = sorted([*changes, *manual], key=lambda change: order[id(change.finding)])
    return changes, list(dict.fromkeys(edits))


def _forced(
    findings: Sequence[Finding], strategy: str, index: SourceIndex
) -> tuple[list[Change], list[Edit]]:
    keep = _used_elsewhere(findings)
    results = [(f, _rewrite(f, strategy, index, _producer(f) in keep)) for f in findings]
    if any(isinstance(result, NotApplicable) for _, result in results):
        return [
            Change(f, strategy, None, f"{strategy} not applicable: {result.reason}")
            for f, result in results
            if isinstance(result, NotApplicable)
        ], []
    changes, edits = [], []
    for finding, result in results:
        assert isinstance(result, Rewrite)
        changes.append(Change(finding, strategy, result.summary, f"--strategy {strategy}"))
        edits += result.edits
    return changes, edits


def _auto(findings: Sequence[Finding], index: SourceIndex) -> tuple[list[Change], list[Edit]]:
    keep = _used_elsewhere(findings)
    while True:
        chosen = _auto_choices(findings, index, keep)
        needed = {
            _producer(f) for f, (strategy, result) in chosen.items() if strategy == "mask-aware"
        }
        if needed <= keep:
            break
        keep |= needed
    changes, edits = [], []
    for finding in findings:
        strategy, result = chosen[finding]
        if isinstance(result, NotApplicable):
            changes.append(Change(finding, "manual", None, f"no strategy applies: {result.reason}"))
            continue
        reason = result.why or _auto_reason(finding, strategy, _producer(finding) in keep)
        down = finding.mask_user
        if finding.keras_2 and down is not None:
            # auto would have restored the mask for this layer on Keras 3: say why it did not.
            reason += f"; mask-aware, for the {down.name} at {down.where}, needs Keras 3"
        changes.append(Change(finding, strategy, result.summary, reason))
        edits += result.edits
    return changes, edits


def _auto_choices(
    findings: Sequence[Finding], index: SourceIndex, keep: set[Span]
) -> dict[Finding, tuple[str, Rewrite | NotApplicable]]:
    chosen: dict[Finding, tuple[str, Rewrite | NotApplicable]] = {}
    for finding in findings:
        if finding.mask_user is not None:
            result = mask_aware.rewrite(finding, index)
            if isinstance(result, Rewrite):
                chosen[finding] = ("mask-aware", result)
    converted = {span for f in chosen for span, _ in (f.targets.convert if f.targets else ())}
    for finding in findings:
        if finding in chosen:
            continue
        destroyer = finding.targets.destroyer if finding.targets else None
        order = ("remove", "lambda", "mask-aware")
        if destroyer in converted:
            order = ("mask-aware", "lambda")  # another finding already makes this layer mask-aware
        reasons = []
        for strategy in order:
            result = _rewrite(finding, strategy, index, _producer(finding) in keep)
            if isinstance(result, Rewrite):
                if strategy == "mask-aware" and destroyer not in converted:
                    why = f"no other strategy applies: {reasons[-1].split(': ', 1)[1]}"
                    result = Rewrite(result.edits, result.summary, why)
                chosen[finding] = (strategy, result)
                break
            reasons.append(f"{strategy}: {result.reason}")
        else:
            chosen[finding] = ("manual", NotApplicable("; ".join(reasons)))
    return chosen


def _rewrite(
    finding: Finding, strategy: str, index: SourceIndex, keep_producer: bool
) -> Rewrite | NotApplicable:
    if strategy == "mask-aware":
        return mask_aware.rewrite(finding, index)
    if strategy == "lambda":
        return explicit_mask.rewrite(finding, index, keep_producer)
    return remove.rewrite(finding, index, keep_producer)


def _auto_reason(finding: Finding, strategy: str, kept: bool) -> str:
    if strategy == "mask-aware":
        down = finding.mask_user
        if down is not None:
            return f"the {down.name} at {down.where} needs the mask"
        return "the layer is already made mask-aware for another finding"
    if strategy == "remove":
        return "exact: Masking(mask_value=0) changes no value and no layer uses its mask"
    if kept:
        return "exact values; the mask stays for the layers on the other branch"
    if finding.producer.kind == "masking":
        return f"exact values: keeps what {_masking(finding)} computed, no layer used its mask"
    return "exact values: no layer used the mask"


def _masking(finding: Finding) -> str:
    producer = finding.producer
    return "Masking" if not producer.mask_value_literal else f"Masking({producer.mask_value!r})"


def _producer(finding: Finding) -> Span:
    assert finding.targets is not None
    return finding.targets.producer


def _used_elsewhere(findings: Sequence[Finding]) -> set[Span]:
    return {_producer(f) for f in findings if f.mask_used_elsewhere}
