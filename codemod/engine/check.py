"""Check files: run the cheap text test and the analysis on each program, results in path order.

Finding, reading and dispatching the files (notebooks included) is engine/runner.py's job, shared
with fix; this module holds what only check does, and its reports.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from codemod.analysis import AnalysisError, analyze, may_contain_producer
from codemod.analysis.findings import Code, Finding
from codemod.config import Options
from codemod.engine.git_state import project_roots
from codemod.engine.runner import Program, error_reason, find_files, in_file, run_files, run_stdin
from codemod.gc_pause import gc_paused
from codemod.rewrite.other_files import ONE_FILE, OtherFiles


@dataclass
class FileReport:
    """What one file gave: findings, or the one-line reason it could not be checked."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    parsed: bool = False  # False when the text test showed there is nothing to look for
    count: int | None = None  # after release(): how many findings there were
    helpers: int | None = None  # after release(): how many of them were old helpers (KMC401)

    @property
    def finding_count(self) -> int:
        return len(self.findings) if self.count is None else self.count

    @property
    def outdated_helpers_count(self) -> int:
        """Findings that are old pasted helpers (KMC401), not destroyed masks."""
        if self.helpers is not None:
            return self.helpers
        return sum(1 for f in self.findings if f.code is Code.OUTDATED_HELPERS)

    def release(self) -> None:
        """Drop the findings once printed: a run over a large tree keeps only the counts."""
        self.count, self.helpers = self.finding_count, self.outdated_helpers_count
        self.findings = []


@dataclass
class RunReport:
    files: list[FileReport] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(
        default_factory=list
    )  # (path, reason) for unreadable paths
    # The files a fix of the same paths could change besides each file itself: what `auto`
    # may choose (the JSON `strategy`) depends on them.
    others: OtherFiles = ONE_FILE

    @property
    def findings(self) -> list[tuple[str, Finding]]:
        return [(f.path, finding) for f in self.files for finding in f.findings]

    @property
    def all_errors(self) -> list[tuple[str, str]]:
        return self.errors + [(f.path, f.error) for f in self.files if f.error is not None]

    @property
    def finding_count(self) -> int:
        return sum(f.finding_count for f in self.files)

    @property
    def outdated_helpers_count(self) -> int:
        return sum(f.outdated_helpers_count for f in self.files)


@dataclass(frozen=True)
class _Check:
    """check as a runner Job: each program is analysed; nothing is ever written."""

    options: Options

    def untouched(self, path: str, raw: bytes = b"", error: str | None = None) -> FileReport:
        return FileReport(path, error=error)

    def run(self, program: Program) -> FileReport:
        return _analyse(program, self.options)


def _analyse(program: Program, options: Options) -> FileReport:
    report = FileReport(program.path)
    imports = options.imports_of(program.path)
    if not may_contain_producer(program.text) and not (
        imports is not None and imports.imports_producer(program.text)
    ):
        return report
    report.parsed = True
    try:
        with gc_paused():
            findings = analyze(program.text, options.target, locate=program.locate, imports=imports)
    except Exception as error:  # noqa: BLE001 - see error_reason
        report.error = error_reason(error, AnalysisError)
        return report
    report.findings = in_file([f for f in findings if options.wants(f.code)], program)
    return report


def check_stdin(raw: bytes, options: Options) -> FileReport:
    """One file's report; its JSON strategy is what `fix` on stdin would do (other_files.STDIN)."""
    return run_stdin(raw, _Check(options))


def check_paths(paths: list[str], options: Options, progress=None, show=None) -> RunReport:
    """Check every file under `paths`, in path order; `progress` (start/advance/stop) is told.
    With `show`, each file's report is handed over as soon as it is done and then released."""
    files, errors = find_files(paths, options)
    options = dataclasses.replace(options, project_roots=project_roots(paths))
    report = RunReport(errors=errors, others=OtherFiles(tuple(files)))

    def show_and_release(file_report: FileReport) -> None:
        show(file_report)
        file_report.release()

    report.files = run_files(_Check(options), files, progress, show_and_release if show else None)
    return report
