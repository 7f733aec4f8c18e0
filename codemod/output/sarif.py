"""`--format sarif`: SARIF 2.1.0, the format code-scanning services (GitHub and others) upload.

One run, one rule per code, one result per finding with its region (1-based lines and columns;
in a notebook the lines of the .ipynb file that hold the finding, with the cell and the line
and column in it as `properties.cell`, `cellLine` and `cellColumn`). Files that could
not be read become tool execution notifications, and the run is then marked unsuccessful.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from codemod import __version__
from codemod.analysis import rules
from codemod.analysis.findings import Code, Finding

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_RULE_INDEX = {code: index for index, code in enumerate(Code)}


def render(findings: list[tuple[str, Finding, dict | None]], errors: list[tuple[str, str]]) -> str:
    """`findings` are (path, finding, extra properties such as what fix did, or None)."""
    descriptions = [
        {
            "id": code.value,
            "name": code.name.title().replace("_", ""),
            "shortDescription": {"text": rules.get(code).title},
            "fullDescription": {"text": rules.get(code).why},
            "help": {"text": f"Run `keras-mask-codemod explain {code.value}`."},
            "defaultConfiguration": {"level": "warning"},
        }
        for code in Code
    ]
    results = [_result(path, finding, extra) for path, finding, extra in findings]
    notifications = [
        {
            "level": "error",
            "message": {"text": reason},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(path)}}}],
        }
        for path, reason in errors
    ]
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "keras-mask-codemod",
                        "version": __version__,
                        "rules": descriptions,
                    }
                },
                "results": results,
                "invocations": [
                    {
                        "executionSuccessful": not errors,
                        "toolExecutionNotifications": notifications,
                    }
                ],
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _result(path: str, finding: Finding, extra: dict | None) -> dict:
    region = {
        "startLine": finding.line,
        "startColumn": finding.column,
        "endLine": finding.end_line,
        "endColumn": finding.end_column,
    }
    if finding.file_line is not None:  # a notebook: the lines of the .ipynb file holding it
        region = {
            "startLine": finding.file_line,
            "endLine": finding.file_end_line or finding.file_line,
        }
    result: dict = {
        "ruleId": finding.code.value,
        "ruleIndex": _RULE_INDEX[finding.code],
        "level": "warning",
        "message": {"text": finding.message},
        "locations": [
            {"physicalLocation": {"artifactLocation": {"uri": _uri(path)}, "region": region}}
        ],
    }
    properties = dict(extra or {})
    if finding.cell is not None:  # where in the cell, as Jupyter counts
        properties["cell"] = finding.cell
        properties["cellLine"] = finding.line
        properties["cellColumn"] = finding.column
    if properties:
        result["properties"] = properties
    return result


def _uri(path: str) -> str:
    """A relative URI reference (forward slashes, percent-encoded), or a file URI if absolute."""
    posix = path.replace("\\", "/")
    if posix.startswith("/"):
        return "file://" + quote(posix)
    return quote(posix)
