"""The rules, one module each (kmc101.py ...), registered automatically in code order.

A module named after its code defines `RULE`, a `Rule` (rule.py). Everything else reads them from
here: the analysis picks a finding's code with `at_destroyer`, `explain` and SARIF describe each
rule, the README's rule table is `markdown_table()`, and tests/test_rules.py runs the examples.
A new rule is a new `Code`, one module here, and the place in the analysis that reports it.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re

from codemod.analysis.findings import Code
from codemod.analysis.rules.rule import Covers, Rule
from codemod.catalogue import Family

__all__ = ["RULES", "Covers", "Rule", "at_destroyer", "get", "markdown_table"]

_MODULE = re.compile(r"kmc\d{3}")


def _discover() -> tuple[Rule, ...]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        if _MODULE.fullmatch(info.name):
            rule = importlib.import_module(f"{__name__}.{info.name}").RULE
            if rule.code.value.lower() != info.name:
                raise ValueError(f"{info.name}.py defines the rule of {rule.code.value}")
            found.append(rule)
    return tuple(sorted(found, key=lambda rule: rule.code.value))


RULES: tuple[Rule, ...] = _discover()
_BY_CODE: dict[Code, Rule] = {rule.code: rule for rule in RULES}


def get(code: Code) -> Rule:
    return _BY_CODE[code]


@functools.cache
def at_destroyer(producer: str, family: Family | None) -> Rule:
    """The rule of a certain mask from a producer of this kind destroyed by a layer of this
    family (None: a layer the catalogue does not know, such as a user's own)."""
    for rule in RULES:
        if rule.covers is not None and rule.covers.covers(producer, family):
            return rule
    raise LookupError(f"no rule covers a {producer} mask destroyed by {family}")


def markdown_table() -> str:
    """The README's table under "### Rule codes"."""
    rows = [
        "| code | name | title | reported when |",
        "| --- | --- | --- | --- |",
        *(f"| {r.code.value} | `{r.name}` | {r.title} | {r.when} |" for r in RULES),
    ]
    return "\n".join(rows) + "\n"
