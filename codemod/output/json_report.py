"""`--format json`: one JSON document per run; README.md documents the schema."""

from __future__ import annotations

import json
import os
from collections import Counter

from codemod import __version__
from codemod.analysis.findings import Finding, Place
from codemod.engine.check import RunReport
from codemod.rewrite.other_files import ONE_FILE, OtherFiles
from codemod.target import KerasTarget


def place(p: Place | None) -> dict[str, object] | None:
    if p is None:
        return None
    found = {"name": p.name, "line": p.line, "column": p.column}
    if p.path is not None:  # in another module of the project: the file it is in
        found["path"] = p.path
    return found


def findings_json(
    path: str, findings: list[Finding], others: OtherFiles = ONE_FILE
) -> list[dict[str, object]]:
    """One file's findings, each with the strategy `fix` (auto) would choose for it, when it may
    change `others` too."""
    from codemod.rewrite import auto  # the rewriting side: only for a report that says it

    choices = auto.choose(findings, others=others)
    return [finding_dict(path, f, choices[f].strategy) for f in findings]


def finding_dict(path: str, finding: Finding, strategy: str) -> dict[str, object]:
    producer = finding.producer
    return {
        "path": path,
        "cell": finding.cell,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "code": finding.code.value,
        "message": finding.message,
        "producer": {
            **(place(producer) or {}),
            "mask_value": producer.mask_value if producer.kind == "masking" else None,
        },
        "consumer": place(finding.destroyer),
        "chain": [place(p) for p in finding.chain],
        "downstream_mask_consumer": place(finding.mask_user),
        "strategy": strategy,
    }


def _paths(elsewhere) -> list[str]:
    """The files edits in other files go to, as the user names them."""
    return list(dict.fromkeys(os.path.relpath(path) for path, _ in elsewhere))


def target_dict(target: KerasTarget) -> dict[str, str]:
    return {"keras": target.version, "catalogue": target.release, "source": target.source}


def render(report: RunReport, target: KerasTarget) -> str:
    findings = report.findings
    errors = report.all_errors
    document = {
        "version": __version__,
        "target": target_dict(target),
        "findings": [
            item for f in report.files for item in findings_json(f.path, f.findings, report.others)
        ],
        "errors": [{"path": path, "message": reason} for path, reason in errors],
        "summary": {
            "files": len(report.files),
            "files_parsed": sum(1 for f in report.files if f.parsed),
            "files_with_findings": sum(1 for f in report.files if f.findings),
            "findings": len(findings),
            "errors": len(errors),
            "by_code": dict(sorted(Counter(f.code.value for _, f in findings).items())),
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_fix(run, dry_run: bool, target: KerasTarget) -> str:
    """`fix --format json`: every finding of every file with what fix did (or would do) about it."""
    changes = [
        {
            "path": report.path,
            "cell": change.finding.cell,
            "line": change.finding.line,
            "column": change.finding.column,
            "code": change.finding.code.value,
            "message": change.finding.message,
            "strategy": change.strategy,
            "rewrite": change.summary,
            "reason": change.reason,
            # Whether the rewrite is in the output (null: there is none): not for a file refused,
            # not written or declined, whose error says why.
            "applied": report.applied if change.summary is not None else None,
            # The other files of the run the rewrite changes too.
            "also_changes": _paths(change.elsewhere),
        }
        for report in run.files
        for change in report.changes
    ]
    errors = run.all_errors
    rewrites = [c for c in changes if c["applied"]]
    document = {
        "version": __version__,
        "target": target_dict(target),
        "dry_run": dry_run,
        "changes": changes,
        "errors": [{"path": path, "message": reason} for path, reason in errors],
        "summary": {
            "files": len(run.files),
            "files_changed": sum(1 for report in run.files if report.changed),
            "rewrites": len(rewrites),
            "not_applied": sum(1 for c in changes if c["applied"] is False),
            "unfixed": sum(1 for c in changes if c["rewrite"] is None),
            "errors": len(errors),
            "by_strategy": dict(sorted(Counter(str(c["strategy"]) for c in rewrites).items())),
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_migration_report(run, strategy: str, dry_run: bool, target: KerasTarget) -> str:
    """`fix --report FILE.json`: every file looked at, what was found, what was rewritten and why,
    and what went wrong, for a migration pull request's description (schema in the README)."""
    files = []
    for report in run.files:
        if report.error is not None:
            status = "error"
        elif report.skipped:
            status = "skipped"
        elif report.created and report.changed:
            status = "created"
        elif report.changed:
            status = "changed"
        else:
            status = "unchanged"
        files.append(
            {
                "path": report.path,
                "status": status,
                "findings": findings_json(report.path, report.findings, run.others),
                "rewrites": [
                    {
                        "line": change.finding.line,
                        "cell": change.finding.cell,
                        "code": change.finding.code.value,
                        "strategy": change.strategy,
                        "rewrite": change.summary,
                        "reason": change.reason,
                        "applied": report.applied if change.summary is not None else None,
                        "also_changes": _paths(change.elsewhere),
                    }
                    for change in report.changes
                ],
                "changed_for": report.changed_for,
                "error": report.error,
            }
        )
    statuses = Counter(str(entry["status"]) for entry in files)
    document = {
        "version": __version__,
        "target": target_dict(target),
        "strategy": strategy,
        "dry_run": dry_run,
        "files": files,
        "errors": [{"path": path, "message": reason} for path, reason in run.errors],
        "summary": {
            "files": len(files),
            "changed": statuses["changed"],
            "unchanged": statuses["unchanged"],
            "skipped": statuses["skipped"],
            "created": statuses["created"],
            "errors": statuses["error"] + len(run.errors),
            "findings": sum(len(entry["findings"]) for entry in files),
            "by_strategy": dict(
                sorted(
                    Counter(
                        str(rewrite["strategy"])
                        for entry in files
                        if entry["status"] == "changed"
                        for rewrite in entry["rewrites"]
                        if rewrite["rewrite"] is not None
                    ).items()
                )
            ),
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
