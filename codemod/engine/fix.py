"""Fix files: rewrite each program (rewrite/pipeline.py) and write it back atomically in the file's
own encoding. Finding, reading and dispatching the files (notebooks included) is engine/runner.py's
job, shared with check; this module holds what only fix does: the fix itself, the guards, the
helpers module, the interactive accept, and the writes.

Per file the result is one of: unchanged, changed (written, or only shown with --dry-run), or an
error with a one-line reason, in which case the file is left exactly as it was.

The guards refuse to write a changed file (an error for that file; the run goes on):
* outside: its real path, every symlink followed, lies outside the work trees holding the paths
  given and outside those paths themselves (git_state.Places), unless --follow-symlinks;
* dirty: the file really written, a symlink's target in its own work tree, has uncommitted
  changes in git, unless --allow-dirty.
Both hold for the helpers module too. With --dry-run nothing is written, so nothing is refused.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from codemod.analysis import AnalysisError
from codemod.analysis.findings import Finding
from codemod.config import Options
from codemod.engine.git_state import Places, dirty_files
from codemod.engine.helpers_module import HelpersModuleError, ensure_helpers_module
from codemod.engine.large_stack import on_large_stack
from codemod.engine.runner import Program, error_reason, find_files, run_files, run_stdin
from codemod.engine.sources import SourceError, write_atomic
from codemod.gc_pause import gc_paused
from codemod.rewrite.plan import Change


@dataclass
class FixReport:
    path: str
    findings: list[Finding] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    error: str | None = None
    old: bytes = b""
    new: bytes = b""  # equal to `old` when nothing changed
    skipped: bool = False  # a change the user declined (--interactive), or could not be written
    released: bool | None = None  # after release(): whether the bytes differed
    counts: tuple[dict[str, int], int, bool] | None = None  # after release(details=False)

    @property
    def changed(self) -> bool:
        differs = self.new != self.old if self.released is None else self.released
        return self.error is None and differs and not self.skipped

    def release(self, details: bool = True) -> None:
        """Drop the file's bytes once written or shown, and without `details` its findings too
        (keeping their counts): a run over a large tree keeps only what the summary needs."""
        if self.released is None:
            self.released = self.new != self.old
            self.old = self.new = b""
        if not details and self.counts is None:
            self.counts = (self.rewrites_by_strategy, self.unfixed_count, self.has_findings)
            self.findings, self.changes = [], []

    @property
    def rewrites_by_strategy(self) -> dict[str, int]:
        if self.counts is not None:
            return self.counts[0]
        by_strategy: dict[str, int] = {}
        for change in self.changes:
            if change.summary is not None:
                by_strategy[change.strategy] = by_strategy.get(change.strategy, 0) + 1
        return by_strategy

    @property
    def unfixed_count(self) -> int:
        if self.counts is not None:
            return self.counts[1]
        return sum(1 for change in self.changes if change.summary is None)

    @property
    def has_findings(self) -> bool:
        return self.counts[2] if self.counts is not None else bool(self.changes)


@dataclass
class FixRun:
    files: list[FixReport] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, reason) from discovery

    @property
    def all_errors(self) -> list[tuple[str, str]]:
        return self.errors + [(f.path, f.error) for f in self.files if f.error is not None]


DIRTY = "has uncommitted changes; commit or stash them first, or pass --allow-dirty"


def outside(paths: list[str], places: Places, action: str = "fix it there") -> dict[str, str]:
    """Why each of `paths` that following symlinks leads out of `places` must not be written:
    "a symlink to /elsewhere/model.py, outside the work tree; pass --follow-symlinks to fix it
    there"."""
    refused = {}
    for path, real in places.escaping(paths):
        what = (
            "a symlink to" if os.path.islink(path) else "reached through a symlinked folder, it is"
        )
        refused[path] = f"{what} {real}, outside {places.name}; pass --follow-symlinks to {action}"
    return refused


@dataclass(frozen=True)
class _Fix:
    """fix as a runner Job: with `write`, a changed file is written, unless it is `refused`
    (path -> why: a symlink out of the work tree) or `dirty` (real paths)."""

    options: Options
    write: bool = False
    dirty: frozenset[str] = frozenset()
    refused: dict[str, str] = field(default_factory=dict)

    def untouched(self, path: str, raw: bytes = b"", error: str | None = None) -> FixReport:
        return FixReport(path, error=error, old=raw, new=raw)

    def run(self, program: Program) -> FixReport:
        report = _fix(program, self.options)
        if report.changed and report.path in self.refused:
            report.error = self.refused[report.path]
        elif report.changed and os.path.realpath(report.path) in self.dirty:
            report.error = DIRTY
        elif self.write and report.changed:
            _write(report)
        return report


def _fix(program: Program, options: Options) -> FixReport:
    """The fixed bytes of one program (nothing is written here); notebooks cell by cell."""
    from codemod.rewrite.pipeline import FixError, fix_text

    source = program.source
    report = FixReport(source.path, old=source.raw, new=source.raw)
    try:
        with gc_paused():
            result = on_large_stack(
                lambda: fix_text(
                    program.text,
                    options.strategy,
                    options.helpers_module,
                    wanted=options.wants,
                    cells=program.cells,
                    target=options.target,
                )
            )
        if result.text != program.text:
            report.new = program.encode(result.text)
    except Exception as error:  # noqa: BLE001 - see error_reason
        report.error = error_reason(error, (AnalysisError, FixError, SourceError))
        return report
    report.findings = [f for f in result.findings if options.wants(f.code)]
    report.changes = result.changes
    return report


def fix_stdin(raw: bytes, options: Options) -> FixReport:
    return run_stdin(raw, _Fix(options))


def fix_paths(
    paths: list[str],
    options: Options,
    write: bool,
    accept: Callable[[FixReport], bool] | None = None,
    show: Callable[[FixReport], None] | None = None,
    progress=None,
    details: bool = True,
    follow_symlinks: bool = False,
) -> FixRun:
    """Fix every file under `paths`. With `write`, changed files are written, each only if
    `accept` (the interactive prompt) says yes and no guard refuses it (see the module's
    docstring); the helpers module, if any, is written first. `show` sees each report, in path
    order, while it still holds the file's bytes."""
    files, errors = find_files(paths, options)
    run = FixRun(errors=errors)
    refused = outside(files, Places.of(paths)) if write and not follow_symlinks else {}
    kept = [path for path in files if path not in refused]
    dirty = frozenset() if options.allow_dirty or not write else dirty_files(kept)
    job = _Fix(options, write, dirty, refused)
    if options.helpers_module is None and accept is None:
        # Each worker writes its own files: a file is wholly old or wholly new whatever happens.
        each = functools.partial(_done, show=show, details=details) if show else None
        run.files = run_files(job, files, progress, each)
        return run
    # Asking the user, or writing the helpers module first, needs every result here first.
    run.files = run_files(dataclasses.replace(job, write=False), files, progress)
    if not write:
        return _show_all(run, show)
    chosen = []
    for report in run.files:
        if report.changed and (accept is None or accept(report)):
            chosen.append(report)
        elif report.changed:
            report.skipped = True
    if chosen and options.helpers_module is not None:
        # The helpers module must exist before any file importing from it is written.
        refuse = functools.partial(
            _refuse_helpers_module,
            follow_symlinks=follow_symlinks,
            allow_dirty=options.allow_dirty,
        )
        try:
            ensure_helpers_module(options.helpers_module, refuse=refuse)
        except HelpersModuleError as error:
            run.errors.append((error.path, error.reason))
            for report in chosen:
                report.skipped = True
            return _show_all(run, show)
    for report in chosen:
        _write(report)
    return _show_all(run, show)


def _refuse_helpers_module(path: str, follow_symlinks: bool, allow_dirty: bool) -> str | None:
    """The guards, for the helpers module about to be created in the current folder."""
    if not follow_symlinks:
        places = Places.of(["."], "the current folder")
        reason = outside([path], places, "write it there").get(path)
        if reason is not None:
            return reason
    if not allow_dirty and os.path.realpath(path) in dirty_files([path]):
        return DIRTY  # a committed helpers module deleted and not committed yet, for one
    return None


def _done(
    report: FixReport, show: Callable[[FixReport], None] | None, details: bool = True
) -> None:
    if show is not None:
        show(report)
    report.release(details)


def _show_all(run: FixRun, show: Callable[[FixReport], None] | None) -> FixRun:
    for report in run.files:
        _done(report, show)
    return run


def _write(report: FixReport) -> None:
    try:
        write_atomic(report.path, report.new, expected=report.old)
    except SourceError as error:
        report.error = error.reason
