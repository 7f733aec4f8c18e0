"""`fix --report FILE.md`: the description of a migration's pull request, in Markdown.

What a reviewer needs, in this order: how many masks were rewritten where, each rewrite with its
strategy and why that one, what each strategy used guarantees, what is left for review (and the
files that could not be fixed), and how to check the result. Counts come from the same reports
as the summary line and the JSON, so they agree; files are listed in path order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from codemod import __version__
from codemod.output.text import counted
from codemod.rewrite import strategies

if TYPE_CHECKING:
    from codemod.analysis.findings import Finding
    from codemod.engine.fix import FixRun
    from codemod.target import KerasTarget


def render(run: FixRun, dry_run: bool, target: KerasTarget) -> str:
    applied = [
        (report.path, change)
        for report in run.files
        if report.applied and not report.created
        for change in report.changes
        if change.summary is not None
    ]
    changed = [r.path for r in run.files if r.changed and not r.created]  # as the summary line
    left = [
        (report.path, change)
        for report in run.files
        for change in report.changes
        if change.summary is None or not report.applied
    ]
    created = [report.path for report in run.files if report.created and report.changed]
    verb = "would rewrite" if dry_run else "rewrote"
    lines = [
        (
            f"## Keras masks: {counted(len(applied), 'destroyed mask')} rewritten in "
            f"{counted(len(changed), 'file')}"
        ),
        "",
        f"keras-mask-codemod {__version__} "
        f"{verb} each place where a Keras mask reached a layer that does not support masking "
        "(Keras 3 warns: *does not support masking and will therefore destroy the mask "
        "information*), for " + target.describe() + ".",
        "",
    ]
    if applied:
        lines += [
            "### What changed",
            "",
            "| file | line | rewrite | strategy | why |",
            "| --- | --- | --- | --- | --- |",
        ]
        lines += [
            f"| `{path}` | {_line(change.finding, short=True)} | {_cell(change.summary or '')} "
            f"| {change.strategy} | {_cell(change.reason)} |"
            for path, change in applied
        ]
        lines.append("")
    if created:
        names = ", ".join(f"`{path}`" for path in created)
        lines += [
            (
                f"Created {names}: the helper layers the rewritten files import, registered "
                "for `.keras` saving."
            ),
            "",
        ]
    used = sorted({change.strategy for _, change in applied})
    if used:
        lines += ["### What each strategy guarantees", ""]
        lines += [f"- **{name}**: {strategies.get(name).guarantee}" for name in used]
        lines.append("")
    if left or run.all_errors:
        lines += [f"### Left for review ({len(left) + len(run.all_errors)})", ""]
        lines += [
            f"- `{path}`, {_line(change.finding)}: {change.finding.code.value} "
            f"{_cell(change.finding.message)}"
            + ("" if change.summary is None else " (the file was not changed)")
            for path, change in left
        ]
        lines += [f"- `{path}`: could not be fixed: {reason}" for path, reason in run.all_errors]
        lines.append("")
    lines += [
        "### How to verify",
        "",
        "1. `keras-mask-codemod check` on the same paths finds nothing left to rewrite "
        + ("(only what is left for review above)." if left else "."),
        "2. Run the models' tests: Keras no longer warns that these layers do not support masking.",
        (
            "3. Each rewrite keeps the guarantee of its strategy above; the helper layers are "
            "registered, so models saved as `.keras` after this change load back."
        ),
        "",
    ]
    return "\n".join(lines)


def _line(finding: Finding, short: bool = False) -> str:
    line = str(finding.line) if short else f"line {finding.line}"
    return f"cell {finding.cell}, {line}" if finding.cell is not None else line


def _cell(text: str) -> str:
    """Text for a table cell or a list item: no line breaks, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")
