"""`--format github`: GitHub Actions workflow commands, so findings show as annotations on the diff.

One `::warning file=...,line=...,col=...::message` line per finding (`::notice` for a rewrite fix
made, `::error` for a file that could not be read). Values are escaped as the runner expects:
% CR LF in messages, and also : and , in properties.
"""

from __future__ import annotations

from codemod.analysis.findings import Finding


def _message(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _message(text).replace(":", "%3A").replace(",", "%2C")


def annotation(level: str, path: str, message: str, **where: int | str) -> str:
    properties = ",".join(
        [
            f"file={_property(path)}",
            *(f"{key}={_property(str(value))}" for key, value in where.items()),
        ]
    )
    return f"::{level} {properties}::{_message(message)}"


def finding_line(path: str, finding: Finding) -> str:
    return annotation(
        "warning",
        path,
        f"{finding.code.value} {finding.message}",
        **where(finding),
        title=f"keras-mask-codemod {finding.code.value}",
    )


def where(finding: Finding) -> dict[str, int]:
    """The annotation's place in the file: in a notebook, the lines of the .ipynb file that hold
    the finding (the cell's own line and column are in the message), without columns, which
    count in the JSON text there."""
    if finding.file_line is not None:
        return {"line": finding.file_line, "endLine": finding.file_end_line or finding.file_line}
    return {
        "line": finding.line,
        "col": finding.column,
        "endLine": finding.end_line,
        "endColumn": finding.end_column,
    }


def error_line(path: str, reason: str) -> str:
    return annotation("error", path, reason, title="keras-mask-codemod")


def change_line(path: str, change) -> str:
    finding = change.finding
    if change.summary is not None:
        text = f"{change.strategy}: {change.summary} ({change.reason})"
        level = "notice"
    else:
        text = f"{finding.code.value} not fixed: {change.reason}"
        level = "warning"
    return annotation(level, path, text, **where(finding), title="keras-mask-codemod fix")
