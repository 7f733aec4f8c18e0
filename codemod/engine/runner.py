"""One runner for `check` and `fix`: find the files, read each one (or stdin), make the program to
work on, and run over all the files in path order, in worker processes when that pays.

It exists so that the two commands cannot drift apart: they find the same files, report unreadable
ones the same way, and treat a notebook the same way whether it comes from a path or from stdin
(`--stdin-filename x.ipynb`). check.py and fix.py only say what happens to one program (analyse it,
or rewrite it) through a `Job`, and what their reports hold.
This module must stay cheap to import: no libcst here, and the notebook modules only once a
notebook is met, so that checking Python files starts fast.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar

from codemod.config import Options
from codemod.engine.discover import discover
from codemod.engine.git_state import project_roots
from codemod.engine.parallel import collect, run_in_order
from codemod.engine.sources import Source, SourceError, decode_source, encode_like, read_source

if TYPE_CHECKING:
    from codemod.analysis.findings import Finding
    from codemod.engine.notebook_cells import VirtualSource
    from codemod.engine.notebook_json import Notebook

EXTENSIONS = (".py", ".ipynb")

Report = TypeVar("Report")
Report_co = TypeVar("Report_co", covariant=True)


@dataclass(frozen=True)
class Program:
    """The Python text of one file: the file's own text, or a notebook's code cells joined."""

    source: Source
    text: str
    notebook: Notebook | None = None
    cells: VirtualSource | None = None  # a notebook's map from `text` back to its cells

    @property
    def path(self) -> str:
        return self.source.path

    @property
    def locate(self) -> Callable[[int], tuple[int, int]] | None:
        """For a notebook, (cell, line in cell) of a line of `text`."""
        return None if self.cells is None else self.cells.locate

    def encode(self, text: str) -> bytes:
        """The file's bytes for a rewritten `text`: a notebook gets only its changed cells back."""
        if self.notebook is None or self.cells is None:
            return encode_like(text, self.source)
        from codemod.engine.notebook_cells import split_virtual
        from codemod.engine.notebook_json import replace_cells

        return replace_cells(self.notebook, self.source.raw, split_virtual(self.cells, text))


class Job(Protocol[Report_co]):
    """What one command does with a file; the runner does everything around it."""

    @property
    def options(self) -> Options: ...

    def untouched(self, path: str, raw: bytes = b"", error: str | None = None) -> Report_co:
        """The report of a file left as it is: nothing in it to work on, or `error` says why it
        could not be read (`raw`: its bytes, when they were read)."""
        ...

    def run(self, program: Program) -> Report_co:
        """The report of one program."""
        ...


def error_reason(error: Exception, expected: type[Exception] | tuple[type[Exception], ...]) -> str:
    """Why a file failed, in one line: an `expected` error's own message; anything else is a bug
    of ours, which must not end the run or show a traceback."""
    if isinstance(error, expected):
        return str(error)
    return f"internal error, please report it: {type(error).__name__}: {error}"


def read_program(source: Source) -> Program | None:
    """The program a source holds: a notebook's code cells as one (None when it has no Python
    code cells), or any other file's own text. SourceError when a notebook cannot be read."""
    if not source.path.endswith(".ipynb"):
        return Program(source, source.text)
    from codemod.engine.notebook_cells import virtual_source
    from codemod.engine.notebook_json import parse_notebook

    notebook = parse_notebook(source.raw, source.path)
    if not notebook.is_python or not notebook.code_cells:
        return None
    cells = virtual_source(notebook)
    return Program(source, cells.text, notebook, cells)


def in_file(findings: list[Finding], program: Program) -> list[Finding]:
    """A notebook's findings with the lines of the .ipynb file that hold them (others as they
    are): annotations on the file go there, not to a cell's own line number."""
    if program.notebook is None:
        return findings
    from codemod.engine.notebook_json import file_lines

    lines = file_lines(program.notebook)

    def held(cell: int, line: int) -> int | None:
        cell_lines = lines.get(cell)
        return cell_lines[min(line, len(cell_lines)) - 1] if cell_lines else None

    return [
        dataclasses.replace(
            f, file_line=held(f.cell, f.line), file_end_line=held(f.cell, f.end_line)
        )
        if f.cell is not None
        else f
        for f in findings
    ]


def run_source(source: Source, job: Job[Report]) -> Report:
    """`job`'s report on the program in `source`, or on why there is none."""
    try:
        program = read_program(source)
    except Exception as error:  # noqa: BLE001 - see error_reason
        return job.untouched(source.path, source.raw, error_reason(error, SourceError))
    if program is None:
        return job.untouched(source.path, source.raw)
    return job.run(program)


def run_file(path: str, job: Job[Report]) -> Report:
    try:
        source = read_source(path)
    except SourceError as error:
        return job.untouched(path, error=error.reason)
    return run_source(source, job)


def run_stdin(raw: bytes, job: Job[Report]) -> Report:
    """Stdin, named by `--stdin-filename` (a notebook when it ends in .ipynb), else "-". Its
    imports of the project's modules are resolved from the name it is given."""
    path = job.options.stdin_filename or "-"
    if job.options.stdin_filename:
        options = dataclasses.replace(job.options, project_roots=project_roots([path]))
        job = dataclasses.replace(job, options=options)  # type: ignore[type-var]
    try:
        source = decode_source(raw, path)
    except SourceError as error:
        return job.untouched(path, raw, error.reason)
    return run_source(source, job)


def find_files(paths: list[str], options: Options) -> tuple[list[str], list[tuple[str, str]]]:
    """The files under `paths`, in path order, and (path, reason) for paths that cannot be used."""
    found = discover(
        paths,
        exclude=options.exclude,
        force_exclude=options.force_exclude,
        extensions=EXTENSIONS,
    )
    return [str(path) for path in found.files], list(found.errors)


def run_files(
    job: Job[Report],
    paths: list[str],
    progress=None,
    each: Callable[[Report], None] | None = None,
    every: bool = False,
) -> list[Report]:
    """`job` over every file, reports in path order; files the cheap text test settles are left
    untouched here (with `every`, worked on here: files other files' rewrites change), the
    others go to worker processes when there are enough of them. `each` sees every report as
    soon as it is done; `progress` (start/advance/stop) is told."""
    work = functools.partial(run_file, job=job)
    settle = work if every else job.untouched
    results = run_in_order(work, settle, paths, job.options.jobs, job.options.project_roots)
    return collect(results, len(paths), progress, each)
