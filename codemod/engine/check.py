"""Check files: read each source, run the cheap text test, analyse, and collect the results in path order."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from codemod.analysis import AnalysisError, analyze, may_contain_producer
from codemod.analysis.findings import Finding
from codemod.config import Options
from codemod.engine.discover import discover
from codemod.engine.parallel import collect, run_in_order
from codemod.engine.sources import Source, SourceError, decode_source, read_source
from codemod.gc_pause import gc_paused


@dataclass
class FileReport:
    """What one file gave: findings, or the one-line reason it could not be checked."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    parsed: bool = False  # False when the text test showed there is nothing to look for
    count: int | None = None  # after release(): how many findings there were

    @property
    def finding_count(self) -> int:
        return len(self.findings) if self.count is None else self.count

    def release(self) -> None:
        """Drop the findings once printed: a run over a large tree keeps only the counts."""
        self.count = self.finding_count
        self.findings = []


@dataclass
class RunReport:
    files: list[FileReport] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(
        default_factory=list
    )  # (path, reason) for unreadable paths

    @property
    def findings(self) -> list[tuple[str, Finding]]:
        return [(f.path, finding) for f in self.files for finding in f.findings]

    @property
    def all_errors(self) -> list[tuple[str, str]]:
        return self.errors + [(f.path, f.error) for f in self.files if f.error is not None]

    @property
    def finding_count(self) -> int:
        return sum(f.finding_count for f in self.files)


def check_source(source: Source, options: Options) -> FileReport:
    return _analyse(FileReport(source.path), source.text, options)


def _analyse(report: FileReport, text: str, options: Options, locate=None) -> FileReport:
    if not may_contain_producer(text):
        return report
    report.parsed = True
    try:
        with gc_paused():
            findings = analyze(text, options.target, locate=locate)
    except AnalysisError as error:
        report.error = str(error)
        return report
    except Exception as error:  # noqa: BLE001 - a bug of ours must not end the run or show a traceback
        report.error = f"internal error, please report it: {type(error).__name__}: {error}"
        return report
    report.findings = [f for f in findings if options.wants(f.code)]
    return report


def check_file(path: str, options: Options) -> FileReport:
    try:
        source = read_source(path)
    except SourceError as error:
        return FileReport(path, error=error.reason)
    if path.endswith(".ipynb"):
        return check_notebook(source, options)
    return check_source(source, options)


def check_notebook(source: Source, options: Options) -> FileReport:
    """A notebook's code cells, checked as the one program they make when run top to bottom."""
    from codemod.engine.notebooks import parse_notebook, virtual_source

    try:
        notebook = parse_notebook(source.raw, source.path)
        if not notebook.is_python or not notebook.code_cells:
            return FileReport(source.path)
        virtual = virtual_source(notebook)
    except SourceError as error:
        return FileReport(source.path, error=error.reason)
    return _analyse(FileReport(source.path), virtual.text, options, virtual.locate)


def check_stdin(raw: bytes, options: Options) -> FileReport:
    path = options.stdin_filename or "-"
    try:
        source = decode_source(raw, path)
    except SourceError as error:
        return FileReport(path, error=error.reason)
    return check_source(source, options)


def check_paths(paths: list[str], options: Options, progress=None, show=None) -> RunReport:
    """Check every file under `paths`, in path order; `progress` (start/advance/stop) is told.
    With `show`, each file's report is handed over as soon as it is done and then released."""
    found = discover(
        paths,
        exclude=options.exclude,
        force_exclude=options.force_exclude,
        extensions=(".py", ".ipynb"),
    )
    report = RunReport(errors=list(found.errors))
    paths = [str(path) for path in found.files]
    work = functools.partial(check_file, options=options)

    def show_and_release(file_report: FileReport) -> None:
        show(file_report)
        file_report.release()

    results = run_in_order(work, FileReport, paths, options.jobs)
    report.files = collect(results, len(paths), progress, show_and_release if show else None)
    return report
