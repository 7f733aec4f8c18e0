"""The exit status of `check` and `fix`: what each number means, and the rules that choose it.

The meanings are those linters and formatters use (ruff, black --check), so a CI job or a
pre-commit hook fails on work left (1) and on a run that could not do its job (2).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codemod.engine.check import RunReport
    from codemod.engine.fix import FixRun

CLEAN = 0
"""check: nothing found. fix: done, or nothing to do."""

FINDINGS = 1
"""check: findings. fix: findings left for review; with --dry-run, changes that would be made."""

ERROR = 2
"""A file could not be read, parsed or fixed safely; or the options, the settings in
pyproject.toml or the --report file were wrong; or a bug of ours."""

INTERRUPTED = 130
"""Ctrl-C (128 + SIGINT, as shells report it); every file is wholly old or wholly new."""


def of_check(report: RunReport) -> int:
    """2 if any file could not be checked, else 1 if anything was found, else 0."""
    if report.all_errors:
        return ERROR
    return FINDINGS if report.finding_count else CLEAN


def of_fix(run: FixRun, dry_run: bool) -> int:
    """2 if any file could not be fixed, else 1 if findings are left (for review, or in a file
    whose rewrites were declined with --interactive; with --dry-run: if any file would change),
    else 0."""
    if run.all_errors:
        return ERROR
    if dry_run:
        return FINDINGS if any(f.changed for f in run.files) else CLEAN
    left = any(f.unfixed_count or f.skipped for f in run.files)
    return FINDINGS if left else CLEAN
