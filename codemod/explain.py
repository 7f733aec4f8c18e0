"""`keras-mask-codemod explain [CODE]`: a rule, from its object in codemod/analysis/rules/.

Nothing here is written by hand for one rule: the title, why it matters and when it applies come
from the rule object, and what `fix` writes for the rule's first INVALID example, and which of the
registered strategies apply to it (with the reason when one does not), are computed when asked, by
running the rewrite on the example. A strategy registered later appears here by itself.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass

from codemod.analysis import analyze, rules
from codemod.analysis.findings import Code
from codemod.rewrite.helper_source import HELPER_HEADER, KERAS_2_HELPER_HEADER
from codemod.rewrite.pipeline import FixError, fix_text
from codemod.rewrite.plan import Change
from codemod.rewrite.strategies import AUTO, registered

WIDTH = 88  # prose is wrapped to this many columns
INDENT = "    "


@dataclass(frozen=True)
class Outcome:
    """What `fix --strategy NAME` does to one example: its rewrites' summaries, or why none."""

    text: str  # the example after fix (unchanged when nothing applies)
    changes: tuple[Change, ...]
    error: str = ""  # fix refused the whole text (FixError)

    @property
    def rewrites(self) -> list[str]:
        return [c.summary for c in self.changes if c.summary is not None]

    def why_not(self, strategy: str) -> str:
        """Why the strategy rewrote nothing: the first reason fix gives."""
        if self.error:
            return self.error
        prefix = f"{strategy} not applicable: "
        reasons = [c.reason.removeprefix(prefix) for c in self.changes if c.summary is None]
        return reasons[0] if reasons else "no finding to rewrite"


def outcome(example: str, strategy: str = AUTO) -> Outcome:
    """Run `fix` (in memory, helpers written into the file as `fix` does by default)."""
    try:
        result = fix_text(example, strategy)
    except FixError as error:
        return Outcome(example, (), str(error))
    return Outcome(result.text, tuple(result.changes))


def explain(code: Code) -> str:
    rule = rules.get(code)
    example = rule.invalid[0]
    auto = outcome(example)
    lines = [f"line {f.line}" for f in analyze(example) if f.code is code]
    sections = [
        f"{code.value} ({rule.name}): {rule.title}",
        _section("Why it matters", _wrap(rule.why)),
        _section("When it is reported", _wrap(rule.when)),
        _section(f"Example ({code.value} at {', '.join(lines) or 'no line'})", _indent(example)),
        _section("What `fix` (auto) does with it", _auto(example, auto)),
        _section("Strategies (`fix --strategy NAME`)", _strategies(example)),
    ]
    return "\n\n".join(sections) + "\n"


def summary() -> str:
    lines = [f"{r.code.value}  {r.name}\n{' ' * 8}{r.title}" for r in rules.RULES]
    return "\n".join(lines) + "\n\nRun `keras-mask-codemod explain CODE` for one of them.\n"


def _auto(example: str, auto: Outcome) -> str:
    lines = [_change_line(change) for change in auto.changes] or [auto.error]
    said = "\n".join(_wrap(line, INDENT, INDENT * 2) for line in lines)
    if auto.text == example:
        return f"{said}\n\n{INDENT}It leaves the file as it is."
    return f"{said}\n\n{_indent(collapse_helpers(example, auto.text))}"


def _change_line(change: Change) -> str:
    """As `fix` prints it, without the path."""
    where = f"line {change.finding.line}"
    if change.summary is not None:
        return f"{where}: {change.strategy}: {change.summary} ({change.reason})"
    return f"{where}: {change.strategy}: {change.finding.code.value} {change.reason}"


def _strategies(example: str) -> str:
    parts = []
    for strategy in registered():
        result = outcome(example, strategy.name)
        if result.rewrites:
            verdict = f"applies to the example: {'; '.join(result.rewrites)}"
        else:
            verdict = f"does not apply to the example: {result.why_not(strategy.name)}"
        guarantee = _wrap(f"Guarantee: {strategy.guarantee}", INDENT)
        parts.append(_wrap(f"{strategy.name}: {verdict}", "", INDENT) + "\n" + guarantee)
    return _indent("\n".join(parts))


def collapse_helpers(before: str, after: str) -> str:
    """`after` with the helper definitions fix added (after the helpers' header comment: every
    top-level function and class `before` did not define) shortened to one comment line."""
    lines = after.splitlines()
    header = next(
        (i for i, line in enumerate(lines) if line in (HELPER_HEADER, KERAS_2_HELPER_HEADER)), None
    )
    if header is None:
        return after.rstrip("\n")
    known = {node.name for node in ast.parse(before).body if hasattr(node, "name")}
    added = [
        node
        for node in ast.parse(after).body
        if isinstance(node, (ast.FunctionDef, ast.ClassDef))
        and node.name not in known
        and node.lineno > header
    ]
    if not added:
        return after.rstrip("\n")
    end = max(node.end_lineno or node.lineno for node in added)
    public = [node.name for node in added if not node.name.startswith("_")]
    private = len(added) - len(public)
    what = ", ".join(public) or "helper definitions"
    if public and private:
        uses = "it uses" if len(public) == 1 else "they use"
        what += f" and the {private} definition{'s' if private > 1 else ''} {uses}"
    note = f"# ... {what}: {end - header - 1} lines, not shown here ..."
    return "\n".join([*lines[: header + 1], note, *lines[end:]]).rstrip("\n")


def _section(heading: str, body: str) -> str:
    return f"{heading}:\n{body}"


def _wrap(text: str, first: str = INDENT, rest: str | None = None) -> str:
    return textwrap.fill(
        text,
        WIDTH,
        initial_indent=first,
        subsequent_indent=first if rest is None else rest,
        break_on_hyphens=False,
        break_long_words=False,
    )


def _indent(text: str) -> str:
    return "\n".join(f"{INDENT}{line}" if line else "" for line in text.splitlines())
