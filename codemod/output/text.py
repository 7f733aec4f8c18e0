"""Plain text: one `path:line:col: CODE message` line per finding, the form IDE matchers parse."""

from __future__ import annotations

from codemod.analysis.findings import Finding
from codemod.engine.check import RunReport


def finding_line(path: str, finding: Finding) -> str:
    return f"{path}:{finding.line}:{finding.column}: {finding.code.value} {finding.message}"


def error_line(path: str, reason: str) -> str:
    return f"{path}: error: {reason}"


def summary_line(report: RunReport) -> str:
    findings = len(report.findings)
    files = len(report.files)
    with_findings = sum(1 for f in report.files if f.findings)
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
