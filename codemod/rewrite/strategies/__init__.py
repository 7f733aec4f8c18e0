"""The rewrite strategies: one module each in this package, found and registered automatically.

A strategy is a `Strategy` subclass: its name, what it does, what it guarantees, when it does not
apply, and the edits it makes. Everything else reads the registry: the `--strategy` choices, the
pyproject check, `explain`, `auto` and the tests. A new strategy is one module here plus its
table of cases in tests/.

Strategy modules stay light to import (no libcst at module level): `check` imports the registry.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, ClassVar

from codemod.analysis.findings import Code
from codemod.rewrite.other_files import ONE_FILE, OtherFiles
from codemod.rewrite.outcome import NotApplicable, Rewrite

if TYPE_CHECKING:
    from codemod.analysis.findings import Finding
    from codemod.rewrite.syntax import SourceIndex

AUTO = "auto"  # pick a strategy per finding (rewrite/auto.py)
MANUAL = "manual"  # what a finding no strategy fixes is reported as
UPGRADE = "upgrade"  # KMC401: old pasted helpers replaced by this version's (rewrite/upgrade.py)


class Strategy:
    """One way to fix a finding. Subclasses set the class attributes and the two methods."""

    name: ClassVar[str]
    summary: ClassVar[str]  # what it does, one sentence: `fix --help` and `explain`
    guarantee: ClassVar[str]  # what the rewritten model is promised to do
    # How auto uses it: a strategy that keeps the mask alive is picked where a layer downstream
    # needs the mask; otherwise auto tries strategies by rank, lowest first (None: never).
    restores_mask: ClassVar[bool] = False
    auto_rank: ClassVar[int | None] = None
    deletes_producer: ClassVar[bool] = False  # nothing is left of the producer to keep
    helpers: ClassVar[frozenset[str]] = frozenset()  # helper names its rewrites may add
    listed: ClassVar[int] = 100  # position in listings (help, explain, README)

    def not_applicable(
        self, finding: Finding, keep_producer: bool = False, others: OtherFiles = ONE_FILE
    ) -> str | None:
        """Why this strategy cannot fix `finding` soundly, judged from the finding alone, or None.
        `keep_producer`: another rewrite or branch needs the producer's mask. `others`: the
        project's other files the run may change as well."""
        raise NotImplementedError

    def rewrite(
        self, finding: Finding, index: SourceIndex, keep_producer: bool
    ) -> Rewrite | NotApplicable:
        """The edits for an applicable finding, or why the source itself prevents them."""
        raise NotImplementedError

    def auto_reason(self, finding: Finding, keep_producer: bool) -> str:
        """Why auto chose this strategy, for the line `fix` prints."""
        return f"auto chose {self.name}"


def attempt(
    strategy: Strategy,
    finding: Finding,
    index: SourceIndex,
    keep_producer: bool,
    others: OtherFiles = ONE_FILE,
) -> Rewrite | NotApplicable:
    """The strategy's rewrite of `finding`, or why it does not apply."""
    reason = not_applicable(strategy, finding, keep_producer, others)
    if reason is not None:
        return NotApplicable(reason)
    return strategy.rewrite(finding, index, keep_producer)


def not_applicable(
    strategy: Strategy, finding: Finding, keep_producer: bool, others: OtherFiles = ONE_FILE
) -> str | None:
    """Why `strategy` cannot fix `finding`, from the finding alone, or None when it can."""
    if finding.code is Code.MANUAL_REVIEW:
        return "the mask's path cannot be followed statically"
    return strategy.not_applicable(finding, keep_producer, others)


def mask_still_needed(finding: Finding, strategy: str) -> str | None:
    """Why a strategy that ends the mask where it is destroyed would break this finding's model,
    or None: the shared first test of every strategy that does not restore the mask."""
    if finding.producer.kind == "time-distributed-masking":
        return f"{strategy} does not apply to TimeDistributed(Masking); use mask-aware"
    if finding.code is Code.TIME_DISTRIBUTED:
        return (
            "TimeDistributed passes a stale mask the model cannot run with; "
            "mask-aware masks the padded frames"
        )
    if finding.destroyer_uses_mask:
        return (
            f"the {finding.destroyer.name} reads the mask it is given, so {strategy} would "
            "change what it computes"
        )
    return None


_registry: dict[str, Strategy] = {}


def registered() -> tuple[Strategy, ...]:
    """Every strategy, in listing order."""
    if not _registry:
        _discover()
    return tuple(sorted(_registry.values(), key=lambda strategy: strategy.listed))


def names() -> tuple[str, ...]:
    return tuple(strategy.name for strategy in registered())


def get(name: str) -> Strategy:
    for strategy in registered():
        if strategy.name == name:
            return strategy
    raise ValueError(f"unknown strategy {name!r}; known: {', '.join(names())}")


def choices() -> tuple[str, ...]:
    """What `--strategy` and pyproject's `strategy` accept."""
    return (AUTO, *names())


@contextmanager
def registering(strategy: type[Strategy]) -> Iterator[Strategy]:
    """Register a strategy for the duration of a block (tests add one this way)."""
    registered()
    instance = strategy()
    if instance.name in _registry:
        raise ValueError(f"a strategy named {instance.name!r} is already registered")
    _registry[instance.name] = instance
    try:
        yield instance
    finally:
        del _registry[instance.name]


def _discover() -> None:
    """Import every module of this package and register the strategies each one defines."""
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Strategy)
                and value.__module__ == module.__name__
            ):
                _registry[value.name] = value()
