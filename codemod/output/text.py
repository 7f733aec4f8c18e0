"""Plain text: one `path:line:col: CODE message` line per finding, the form IDE matchers parse."""

from __future__ import annotations

from typing import TYPE_CHECKING

from codemod.analysis.findings import Finding
from codemod.engine.check import RunReport

if TYPE_CHECKING:
    from codemod.engine.check import FileReport
    from codemod.engine.fix import FixReport, FixRun
    from codemod.rewrite.plan import Change
    from codemod.target import KerasTarget


def finding_line(path: str, finding: Finding) -> str:
    return f"{_at(path, finding)}:{finding.line}:{finding.column}: {finding.code.value} {finding.message}"


def _at(path: str, finding: Finding) -> str:
    """`path`, or `path:cell N` for a finding in a notebook."""
    return path if finding.cell is None else f"{path}:cell {finding.cell}"


def error_line(path: str, reason: str) -> str:
    return f"{path}: error: {reason}"


def note_line(path: str | None, message: str) -> str:
    """A line about the run that is no error: `path: note: message`."""
    return f"{path}: note: {message}" if path else f"note: {message}"


def summary_line(report: RunReport) -> str:
    helpers = report.outdated_helpers_count
    masks = report.finding_count - helpers
    files = len(report.files)
    with_findings = sum(1 for f in report.files if f.finding_count)
    errors = len(report.all_errors)
    checked = f"{files} file{'s' if files != 1 else ''} checked"
    found = [f"{masks} destroyed mask{'s' if masks != 1 else ''}"] if masks else []
    if helpers:
        found.append(f"{helpers} block{'s' if helpers != 1 else ''} of out-of-date helpers")
    if found:
        text = (
            f"Found {' and '.join(found)} "
            f"in {with_findings} file{'s' if with_findings != 1 else ''} ({checked})"
        )
    else:
        text = f"No destroyed masks ({checked})"
    if errors:
        text += f"; {errors} file{'s' if errors != 1 else ''} could not be checked"
    return text + "."


def change_line(path: str, change: Change) -> str:
    """`path:line: strategy: Conv1D -> MaskedConv1D (reason)`, or why nothing was rewritten."""
    where = f"{_at(path, change.finding)}:{change.finding.line}"
    if change.summary is not None:
        return f"{where}: {change.strategy}: {change.summary} ({change.reason})"
    if change.strategy == "manual":
        return f"{where}: manual: {change.finding.code.value} {change.reason}"
    return f"{where}: {change.reason}"


def changed_for_line(path: str, asking: list[str]) -> str:
    """A file changed for other files' rewrites (mask-aware layers a mask made there needs)."""
    return f"{path}: changed for the rewrite of {', '.join(asking)}"


def fix_summary_line(run: FixRun, dry_run: bool) -> str:
    """`Rewrote 3 findings in 2 files (mask-aware 1, lambda 2); 38 unchanged; 40 files checked,
    3 with findings.` An untouched file is never counted as changed; a helpers module the run
    creates is named (`... and created pkg/keras_mask_helpers.py; ...`), not counted."""
    created = [f.path for f in run.files if f.created and f.changed]
    changed = [f for f in run.files if f.changed and not f.created]
    by_strategy: dict[str, int] = {}
    # A rewrite whose edits are all in another file leaves its own file unchanged, yet is made.
    for report in run.files:
        if not report.applied:
            continue
        for strategy, count in report.rewrites_by_strategy.items():
            by_strategy[strategy] = by_strategy.get(strategy, 0) + count
    rewrites = sum(by_strategy.values())
    unchanged = sum(1 for f in run.files if not f.changed and f.error is None and not f.created)
    with_findings = sum(1 for f in run.files if f.has_findings)
    left = sum(f.unfixed_count for f in run.files)
    errors = len(run.all_errors)
    verb = "Would rewrite" if dry_run else "Rewrote"
    text = f"{verb} {counted(rewrites, 'finding')} in {counted(len(changed), 'file')}"
    if by_strategy:
        text += " (" + ", ".join(f"{name} {count}" for name, count in by_strategy.items()) + ")"
    if created:
        text += f" and {'create' if dry_run else 'created'} {', '.join(created)}"
    checked = len(run.files) - sum(1 for f in run.files if f.created)
    text += f"; {unchanged} unchanged; {counted(checked, 'file')} checked"
    text += f", {with_findings} with findings"
    if left:
        text += f"; {left} left for review"
    if errors:
        text += f"; {counted(errors, 'file')} could not be fixed"
    return text + "."


def counted(number: int, noun: str) -> str:
    """`1 file`, `3 files`."""
    return f"{number} {noun}{'s' if number != 1 else ''}"


def target_line(target: KerasTarget) -> str:
    """--verbose: which Keras the run checks against, and why."""
    return f"target: {target.describe()}"


def check_file_line(report: FileReport) -> str:
    """--verbose: what check did with one file."""
    if report.error is not None:
        return f"{report.path}: error"
    if not report.parsed:
        return f"{report.path}: not parsed (no mask producer in the text)"
    count = report.finding_count
    return f"{report.path}: {count} finding{'s' if count != 1 else ''}"


def fix_file_line(report: FixReport, dry_run: bool) -> str:
    """--verbose: what fix did with one file."""
    if report.error is not None:
        return f"{report.path}: error"
    if report.skipped:
        return f"{report.path}: skipped"
    if report.created and report.changed:
        return f"{report.path}: {'would be created' if dry_run else 'created'}"
    if report.changed:
        return f"{report.path}: {'would be rewritten' if dry_run else 'rewritten'}"
    return f"{report.path}: unchanged"
