"""What a rule is: one object per rule code, holding everything said about it.

Each rule lives in a module of its own in this package (kmc101.py ...), as `RULE = Rule(...)`:
its code, short name, title, why it matters, when it applies, and complete example programs that
get the code (`invalid`) and that do not (`valid`). `explain`, SARIF, the README's rule table and
tests/test_rules.py all read these objects; the analysis reads `covers` to pick a finding's code.
"""

from __future__ import annotations

from dataclasses import dataclass

from codemod.analysis.findings import Code
from codemod.catalogue import Family


@dataclass(frozen=True)
class Covers:
    """The certain findings at a layer that destroys a mask which a rule is the code of: the mask
    producers' kinds (`Producer.kind`) and the destroying layers' families. Empty means any.
    The first rule in code order that covers a finding gives its code."""

    producers: frozenset[str] = frozenset()
    families: frozenset[Family] = frozenset()

    def covers(self, producer: str, family: Family | None) -> bool:
        return (not self.producers or producer in self.producers) and (
            not self.families or family in self.families
        )


@dataclass(frozen=True)
class Rule:
    code: Code
    name: str  # short, in kebab case: "masking-to-conv"
    title: str  # one line: SARIF's shortDescription, `explain`, the README table
    why: str  # why it matters: what goes wrong in the model (SARIF's fullDescription)
    when: str  # when the analysis reports it (Markdown: the README table shows it)
    # Complete programs (imports included) that Keras can run: each `invalid` one gets at least
    # one finding with this code, and the first is `explain`'s example; no `valid` one gets it.
    invalid: tuple[str, ...]
    valid: tuple[str, ...]
    # What the analysis gives this code to, at a layer that destroys a mask; None for codes the
    # analysis chooses otherwise (a mask path it cannot follow; TimeDistributed's stale mask).
    covers: Covers | None = None
