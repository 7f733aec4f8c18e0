"""Fix files: read, rewrite (rewrite/pipeline.py), and write back atomically in the file's own encoding.

Per file the result is one of: unchanged, changed (written, or only shown with --dry-run), or an
error with a one-line reason, in which case the file is left exactly as it was.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from codemod.analysis import AnalysisError
from codemod.analysis.findings import Finding
from codemod.config import Options
from codemod.engine.discover import discover
from codemod.engine.git_state import dirty_files
from codemod.engine.helpers_module import HelpersModuleError, ensure_helpers_module
from codemod.engine.large_stack import on_large_stack
from codemod.engine.notebooks import parse_notebook, replace_cells, split_virtual, virtual_source
from codemod.engine.parallel import collect, run_in_order
from codemod.engine.sources import (
    Source,
    SourceError,
    decode_source,
    encode_like,
    read_source,
    write_atomic,
)
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


def fix_source(source: Source, options: Options) -> FixReport:
    """The fixed bytes of one source (nothing is written here); notebooks cell by cell."""
    from codemod.rewrite.pipeline import FixError, fix_text

    report = FixReport(source.path, old=source.raw, new=source.raw)
    notebook = virtual = None
    try:
        text = source.text
        if source.path.endswith(".ipynb"):
            notebook, virtual = _virtual(source)
            if virtual is None:
                return report
            text = virtual.text
        with gc_paused():
            result = on_large_stack(
                lambda: fix_text(
                    text,
                    options.strategy,
                    options.helpers_module,
                    wanted=options.wants,
                    cells=virtual,
                    target=options.target,
                )
            )
        if notebook is not None and result.text != text:
            new_cells = split_virtual(virtual, result.text)
            report.new = replace_cells(notebook, source.raw, new_cells)
        elif result.text != text:
            report.new = encode_like(result.text, source)
    except (AnalysisError, FixError, SourceError) as error:
        report.error = str(error)
        return report
    except Exception as error:  # noqa: BLE001 - a bug of ours must not end the run or show a traceback
        report.error = f"internal error, please report it: {type(error).__name__}: {error}"
        return report
    report.findings = [f for f in result.findings if options.wants(f.code)]
    report.changes = result.changes
    return report


def _virtual(source: Source):
    """The notebook and its code cells as one program, or (notebook, None) if nothing to fix."""
    notebook = parse_notebook(source.raw, source.path)
    if not notebook.is_python or not notebook.code_cells:
        return notebook, None
    return notebook, virtual_source(notebook)


DIRTY = "has uncommitted changes; commit or stash them first, or pass --allow-dirty"


def fix_file(
    path: str, options: Options, write: bool, dirty: frozenset[str] = frozenset()
) -> FixReport:
    try:
        source = read_source(path)
    except SourceError as error:
        return FixReport(path, error=error.reason)
    report = fix_source(source, options)
    if report.changed and os.path.realpath(path) in dirty:
        report.error = DIRTY
    elif write and report.changed:
        _write(report)
    return report


def fix_stdin(raw: bytes, options: Options) -> FixReport:
    path = options.stdin_filename or "-"
    try:
        source = decode_source(raw, path)
    except SourceError as error:
        return FixReport(path, error=error.reason, old=raw, new=raw)
    return fix_source(source, options)


def fix_paths(
    paths: list[str],
    options: Options,
    write: bool,
    accept: Callable[[FixReport], bool] | None = None,
    show: Callable[[FixReport], None] | None = None,
    progress=None,
    details: bool = True,
) -> FixRun:
    """Fix every file under `paths`. With `write`, changed files are written, each only if
    `accept` (the interactive prompt) says yes; the helpers module, if any, is written first.
    `show` sees each report, in path order, while it still holds the file's bytes."""
    found = discover(
        paths,
        exclude=options.exclude,
        force_exclude=options.force_exclude,
        extensions=(".py", ".ipynb"),
    )
    run = FixRun(errors=list(found.errors))
    paths = [str(path) for path in found.files]
    dirty = frozenset() if options.allow_dirty or not write else dirty_files(paths)
    if options.helpers_module is None and accept is None:
        # Each worker writes its own files: a file is wholly old or wholly new whatever happens.
        work = functools.partial(fix_file, options=options, write=write, dirty=dirty)
        results = run_in_order(work, FixReport, paths, options.jobs)
        each = functools.partial(_done, show=show, details=details) if show else None
        run.files = collect(results, len(paths), progress, each)
        return run
    # Asking the user, or writing the helpers module first, needs every result here first.
    work = functools.partial(fix_file, options=options, write=False, dirty=dirty)
    results = run_in_order(work, FixReport, paths, options.jobs)
    run.files = collect(results, len(paths), progress)
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
        try:
            ensure_helpers_module(options.helpers_module)
        except HelpersModuleError as error:
            run.errors.append((error.path, error.reason))
            for report in chosen:
                report.skipped = True
            return _show_all(run, show)
    for report in chosen:
        _write(report)
    return _show_all(run, show)


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
