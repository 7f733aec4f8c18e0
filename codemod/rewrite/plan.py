"""Plan the rewrite of one file: the change for each finding, and the edits that make them.

`auto` asks rewrite/auto.py, the one place the automatic choice is made. A named strategy applies
to every finding or to none: if it does not apply to one finding, the file is left untouched and
each such finding is reported with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from codemod.analysis.findings import Finding
from codemod.rewrite import auto
from codemod.rewrite.edits import Edit
from codemod.rewrite.other_files import ONE_FILE, OtherFiles
from codemod.rewrite.outcome import NotApplicable, Rewrite
from codemod.rewrite.strategies import AUTO, attempt, get
from codemod.rewrite.syntax import SourceIndex


@dataclass(frozen=True)
class Change:
    """What happens to one finding: `summary` is None when nothing is rewritten."""

    finding: Finding
    strategy: str  # a registered strategy's name, or "manual"
    summary: str | None
    reason: str
    # Edits in other files of the project (absolute path, edit), which the run makes there.
    elsewhere: tuple[tuple[str, Edit], ...] = ()


def plan(
    findings: Sequence[Finding],
    strategy: str,
    index: SourceIndex,
    others: OtherFiles = ONE_FILE,
) -> tuple[list[Change], list[Edit]]:
    """The change for each finding, and the edits that make them in this file (empty if none
    apply); edits in `others` ride on the changes."""
    if strategy == AUTO:
        changes, edits = _auto(findings, index, others)
    else:
        changes, edits = _named(findings, strategy, index, others)
    return changes, list(dict.fromkeys(edits))


def _auto(
    findings: Sequence[Finding], index: SourceIndex, others: OtherFiles
) -> tuple[list[Change], list[Edit]]:
    changes, edits = [], []
    for finding, choice in auto.choose(findings, index, others).items():
        rewrite = choice.rewrite
        summary = rewrite.summary if rewrite is not None else None
        elsewhere = rewrite.elsewhere if rewrite is not None else ()
        changes.append(Change(finding, choice.strategy, summary, choice.reason, elsewhere))
        if choice.rewrite is not None:
            edits += choice.rewrite.edits
    return changes, edits


def _named(
    findings: Sequence[Finding], name: str, index: SourceIndex, others: OtherFiles
) -> tuple[list[Change], list[Edit]]:
    strategy = get(name)
    fixable = [f for f in findings if f.code not in auto.NOT_MASKS]
    keep = {auto.producer(f) for f in fixable if f.mask_used_elsewhere}
    results = {f: attempt(strategy, f, index, auto.producer(f) in keep, others) for f in fixable}
    refused = any(isinstance(result, NotApplicable) for result in results.values())
    changes, edits = [], []
    for finding in findings:
        result = results.get(finding)
        if result is None:
            other = auto.not_a_mask(finding)
            changes.append(Change(finding, other.strategy, None, other.reason))
        elif isinstance(result, NotApplicable):
            changes.append(Change(finding, name, None, f"{name} not applicable: {result.reason}"))
        elif not refused:
            assert isinstance(result, Rewrite)
            changes.append(
                Change(finding, name, result.summary, f"--strategy {name}", result.elsewhere)
            )
            edits += result.edits
    return changes, edits
