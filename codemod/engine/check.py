"""Check files: read each source, run the cheap text test, analyse, and collect the results in path order."""

from __future__ import annotations

from dataclasses import dataclass, field

from codemod.analysis import AnalysisError, analyze, may_contain_producer
from codemod.analysis.findings import Finding
from codemod.config import Options
from codemod.engine.discover import discover
from codemod.engine.sources import Source, SourceError, decode_source, read_source


@dataclass
class FileReport:
    """What one file gave: findings, or the one-line reason it could not be checked."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    parsed: bool = False  # False when the text test showed there is nothing to look for


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


def check_source(source: Source, options: Options) -> FileReport:
    report = FileReport(source.path)
    if not may_contain_producer(source.raw):
        return report
    report.parsed = True
    try:
        findings = analyze(source.text)
    except AnalysisError as error:
        report.error = str(error)
        return report
    except Exception as error:  # noqa: BLE001 - a bug of ours must not end the run or show a traceback
        report.error = f"internal error, please report it: {type(error).__name__}: {error}"
        return report
    report.findings = [f for f in findings if options.wants(f.code)]
    return report


def check_file(path: str, options: Options) -> FileReport:
    if path.endswith(".ipynb"):
        return FileReport(
            path, error="notebooks are not supported yet; export the code to a .py file"
        )
    try:
        source = read_source(path)
    except SourceError as error:
        return FileReport(path, error=error.reason)
    return check_source(source, options)


def check_stdin(raw: bytes, options: Options) -> FileReport:
    path = options.stdin_filename or "-"
    try:
        source = decode_source(raw, path)
    except SourceError as error:
        return FileReport(path, error=error.reason)
    return check_source(source, options)


def check_paths(paths: list[str], options: Options) -> RunReport:
    # Walks skip notebooks until they are analysed cell by cell; a notebook named explicitly says so.
    found = discover(
        paths, exclude=options.exclude, force_exclude=options.force_exclude, extensions=(".py",)
    )
    report = RunReport(errors=list(found.errors))
    for path in found.files:
        report.files.append(check_file(str(path), options))
    return report
