"""auto: one decision per file, used by check (the JSON `strategy` field) and by fix.

Per finding: a strategy that restores the mask where a layer downstream needs it (mask-aware);
otherwise the first that applies in rank order (remove when exact, else lambda, else
mask-aware). One producer can feed several findings: once a rewrite keeps its mask alive or
another branch uses it, the producer stays, so remove no longer applies and lambda ends the mask
on the destroying branch only.

fix decides with the source at hand, so a rewrite the source itself prevents gives way to the
next choice; check decides from the findings alone, which is the same decision whenever the
source allows the rewrite.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from codemod.analysis.findings import Code, Finding, Span
from codemod.rewrite.other_files import ONE_FILE, OtherFiles
from codemod.rewrite.outcome import NotApplicable, Rewrite
from codemod.rewrite.strategies import (
    MANUAL,
    UPGRADE,
    Strategy,
    attempt,
    get,
    not_applicable,
    registered,
)

if TYPE_CHECKING:  # check imports this module, and must not import libcst
    from codemod.rewrite.syntax import SourceIndex

MANUAL_REASON = "the mask's path cannot be followed: review by hand"


@dataclass(frozen=True)
class Choice:
    """What auto does about one finding. `rewrite` is None for "manual", and when deciding
    without the source (check)."""

    strategy: str  # a registered strategy's name, or "manual"
    rewrite: Rewrite | None
    reason: str


def choose(
    findings: Sequence[Finding],
    index: SourceIndex | None = None,
    others: OtherFiles = ONE_FILE,
) -> dict[Finding, Choice]:
    """auto's choice for each finding of one file; with `index`, the rewrites too. `others`:
    the project's other files the run may change as well."""
    fixable = [f for f in findings if f.code not in NOT_MASKS]
    keep = {producer(f) for f in fixable if f.mask_used_elsewhere}
    while True:
        chosen = _choices(fixable, index, keep, others)
        needed = {
            producer(f)
            for f, choice in chosen.items()
            if choice.strategy != MANUAL and get(choice.strategy).restores_mask
        }
        if needed <= keep:
            break
        keep |= needed
    others = {f: not_a_mask(f) for f in findings if f not in chosen}
    return {f: chosen.get(f) or others[f] for f in findings}


# Findings no strategy rewrites: a mask path to review, and old helpers (upgraded or left).
NOT_MASKS = (Code.MANUAL_REVIEW, Code.OUTDATED_HELPERS)
UPGRADE_REASON = "an unedited copy: replaced with this version's helpers"
EDITED_REASON = "edited by hand: left as it is"


def not_a_mask(finding: Finding) -> Choice:
    if finding.code is Code.OUTDATED_HELPERS and not finding.edited:
        return Choice(UPGRADE, None, UPGRADE_REASON)
    if finding.code is Code.OUTDATED_HELPERS:
        return Choice(MANUAL, None, EDITED_REASON)
    return Choice(MANUAL, None, MANUAL_REASON)


def _choices(
    findings: Sequence[Finding],
    index: SourceIndex | None,
    keep: set[tuple[str | None, Span]],
    others: OtherFiles,
) -> dict[Finding, Choice]:
    ranked = sorted(
        (s for s in registered() if s.auto_rank is not None), key=lambda s: s.auto_rank or 0
    )
    restoring = [s for s in ranked if s.restores_mask]
    chosen: dict[Finding, Choice] = {}
    for finding in findings:
        if finding.mask_user is None:
            continue
        for strategy in restoring:
            result = _try(strategy, finding, index, producer(finding) in keep, others)
            if not isinstance(result, NotApplicable):
                reason = strategy.auto_reason(finding, producer(finding) in keep)
                chosen[finding] = Choice(strategy.name, result, reason)
                break
    converted = {span for f in chosen for span, _ in (f.targets.convert if f.targets else ())}
    for finding in findings:
        if finding in chosen:
            continue
        destroyer = finding.targets.destroyer if finding.targets else None
        kept = producer(finding) in keep
        order = ranked
        if destroyer in converted:  # another finding already makes this layer mask-aware
            order = restoring + [s for s in ranked if not (s.restores_mask or s.deletes_producer)]
        reasons: list[str] = []
        for strategy in order:
            result = _try(strategy, finding, index, kept, others)
            if isinstance(result, NotApplicable):
                reasons.append(f"{strategy.name}: {result.reason}")
                continue
            reason = strategy.auto_reason(finding, kept)
            if strategy.restores_mask and destroyer not in converted and reasons:
                reason = f"no other strategy applies: {reasons[-1].split(': ', 1)[1]}"
            chosen[finding] = Choice(strategy.name, result, _with_keras_2_note(finding, reason))
            break
        else:
            chosen[finding] = Choice(MANUAL, None, "no strategy applies: " + "; ".join(reasons))
    return chosen


def _try(
    strategy: Strategy,
    finding: Finding,
    index: SourceIndex | None,
    kept: bool,
    others: OtherFiles,
) -> Rewrite | NotApplicable | None:
    """The rewrite (None without the source, when the finding alone allows it), or why not."""
    if index is not None:
        return attempt(strategy, finding, index, kept, others)
    reason = not_applicable(strategy, finding, kept, others)
    return NotApplicable(reason) if reason is not None else None


def _with_keras_2_note(finding: Finding, reason: str) -> str:
    """auto would have restored the mask for this layer on Keras 3: say why it did not."""
    down = finding.mask_user
    if finding.keras_2 and down is not None:
        reason += f"; mask-aware, for the {down.name} at {down.where}, needs Keras 3"
    return reason


def producer(finding: Finding) -> tuple[str | None, Span]:
    """The producer a finding comes from: its file (None: this one) and its construction."""
    assert finding.targets is not None
    return finding.producer.path, finding.targets.producer
