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


def summary_line(report: RunReport) -> str:
    findings = report.finding_count
    files = len(report.files)
    with_findings = sum(1 for f in report.files if f.finding_count)
    errors = len(report.all_errors)
    checked = f"{files} file{'s' if files != 1 else ''} checked"
    if findings:
        text = (
            f"Found {findings} destroyed mask{'s' if findings != 1 else ''} "
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


def fix_summary_line(run: FixRun, dry_run: bool) -> str:
    """`Rewrote 3 findings in 2 files (mask-aware 1, lambda 2); 38 unchanged; 40 files checked,
    3 with findings.` An untouched file is never counted as changed."""
    changed = [f for f in run.files if f.changed]
    by_strategy: dict[str, int] = {}
    for report in changed:
        for strategy, count in report.rewrites_by_strategy.items():
            by_strategy[strategy] = by_strategy.get(strategy, 0) + count
    rewrites = sum(by_strategy.values())
    unchanged = sum(1 for f in run.files if not f.changed and f.error is None)
    with_findings = sum(1 for f in run.files if f.has_findings)
    left = sum(f.unfixed_count for f in run.files)
    errors = len(run.all_errors)
    verb = "Would rewrite" if dry_run else "Rewrote"
    text = f"{verb} {_count(rewrites, 'finding')} in {_count(len(changed), 'file')}"
    if by_strategy:
        text += " (" + ", ".join(f"{name} {count}" for name, count in by_strategy.items()) + ")"
    text += f"; {unchanged} unchanged; {_count(len(run.files), 'file')} checked"
    text += f", {with_findings} with findings"
    if left:
        text += f"; {left} left for review"
    if errors:
        text += f"; {_count(errors, 'file')} could not be fixed"
    return text + "."


def _count(number: int, noun: str) -> str:
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
    if report.changed:
        return f"{report.path}: {'would be rewritten' if dry_run else 'rewritten'}"
    return f"{report.path}: unchanged"
