"""Fix files: rewrite each program (rewrite/pipeline.py) and write it back atomically in the file's
own encoding. Finding, reading and dispatching the files (notebooks included) is engine/runner.py's
job, shared with check; this module holds what only fix does: the fix itself, the guards, the
helpers module, the interactive accept, and the writes.

Per file the result is one of: unchanged, changed (written, or only shown with --dry-run), or an
error with a one-line reason, in which case the file is left exactly as it was. Nothing is
written until every file is fixed, so each analysis reads the project's modules as they were.

A rewrite may change another file of the run (`_Elsewhere`: a mask made here, destroyed in a
module this file calls): that file is fixed again with the edits asked of it, and the two are
written both or neither (`FixReport.needs`).

The guards refuse to write a changed file (an error for that file; the run goes on):
* outside: its real path, every symlink followed, lies outside the work trees holding the paths
  given and outside those paths themselves (git_state.Places), unless --follow-symlinks;
* dirty: the file really written, a symlink's target in its own work tree, has uncommitted
  changes in git, unless --allow-dirty.
Both hold for the helpers module too. With --dry-run nothing is written, so nothing is refused.

Where the Keras 3 helpers go (`FixReport.wants_home`, `_Homes`): with a helpers module (the option
or pyproject's) every file imports them from it. Without one, when two files or more of a run
need them and have one home (helpers_module.HomeFinder), they import them from
`keras_mask_helpers.py` there, written before any of them; so does a lone file whose home holds
that module already, as this version writes it (pre-commit and editors fix one file at a time).
Else each file holds its own. The helpers module is reported as a file of the run
(`FixReport.created` when new). A notebook keeps its helpers, in a code cell of their own just
before the first cell that uses them.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from codemod.analysis import AnalysisError
from codemod.analysis.findings import Finding
from codemod.config import Options
from codemod.engine.git_state import Places, dirty_files, project_roots
from codemod.engine.helpers_module import (
    NOT_OURS,
    OTHER_TEXT,
    HelpersModuleError,
    Home,
    HomeFinder,
    ModuleFile,
    helpers_module_path,
    read_helpers_module,
    shadowing,
    write_helpers_module,
)
from codemod.engine.large_stack import on_large_stack
from codemod.engine.runner import (
    Program,
    error_reason,
    find_files,
    in_file,
    run_files,
    run_stdin,
)
from codemod.engine.sources import SourceError, write_atomic
from codemod.gc_pause import gc_paused
from codemod.rewrite.edits import Edit
from codemod.rewrite.other_files import ONE_FILE, STDIN, OtherFiles
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
    created: bool = False  # the helpers module, which this run writes where there was no file
    wants_home: bool = False  # pastes the Keras 3 helpers, which a helpers module could hold
    imports_module: bool = False  # imports the helpers from the run's helpers module
    # Edits its rewrites need in other files of the run (absolute path -> edits), and, once the
    # run made them, the reports of those files; a file changed for others names them.
    elsewhere: dict[str, list[Edit]] = field(default_factory=dict)
    needs: list[FixReport] = field(default_factory=list)
    changed_for: list[str] = field(default_factory=list)

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
    def applied(self) -> bool:
        """Whether the file's rewrites are in the output: written (or, with --dry-run, in the
        diff). Not for a file refused (uncommitted changes, outside the work tree), one that
        could not be written, or one the user declined: its rewrites are reported as not made."""
        return self.error is None and not self.skipped

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


@dataclass(frozen=True)
class Note:
    """A line about the run that is no error: where the helpers went, and why. `verbose` ones
    are shown with --verbose only."""

    path: str | None
    message: str
    verbose: bool = False


@dataclass
class FixRun:
    files: list[FixReport] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, reason) from discovery
    notes: list[Note] = field(default_factory=list)
    others: OtherFiles = ONE_FILE  # the files a rewrite may change besides its own

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
    """fix as a runner Job: the fixed bytes of each file, never written here (the run writes
    them once every file is fixed, so that each analysis reads the project as it was). A
    changed file is marked with why it must not be written: `refused` (path -> why: a symlink
    out of the work tree) or `dirty` (real paths). `others` are the files of the run the
    rewrites may change too, and `requested` (real path -> edits) what other files' rewrites
    need changed in one. With `share`, a file pasting the Keras 3 helpers may import them
    from a shared module instead (`FixReport.wants_home`)."""

    options: Options
    dirty: frozenset[str] = frozenset()
    refused: dict[str, str] = field(default_factory=dict)
    share: bool = False
    others: OtherFiles = ONE_FILE
    requested: dict[str, tuple[Edit, ...]] = field(default_factory=dict)

    def untouched(self, path: str, raw: bytes = b"", error: str | None = None) -> FixReport:
        return FixReport(path, error=error, old=raw, new=raw)

    def run(self, program: Program) -> FixReport:
        requested = self.requested.get(os.path.realpath(program.path), ()) if self.requested else ()
        report = _fix(program, self.options, self.others, requested)
        if report.changed and report.path in self.refused:
            report.error = self.refused[report.path]
        elif report.changed and os.path.realpath(report.path) in self.dirty:
            report.error = DIRTY
        report.wants_home = (
            self.share
            and report.wants_home
            and report.changed
            and not os.path.islink(report.path)  # imports resolve beside the target
        )
        return report


def _fix(
    program: Program,
    options: Options,
    others: OtherFiles = ONE_FILE,
    requested: tuple[Edit, ...] = (),
) -> FixReport:
    """The fixed bytes of one program (nothing is written here); notebooks cell by cell."""
    from codemod.rewrite.helper_source import HELPER_HEADER
    from codemod.rewrite.pipeline import FixError

    source = program.source
    report = FixReport(source.path, old=source.raw, new=source.raw)
    try:
        result = _fix_text(program, options, others, requested)
        report.elsewhere = result.elsewhere
        if result.text != program.text:
            report.new = program.encode(result.text)
            if program.notebook is not None:
                report.new = _helpers_cell(program, result, options) or report.new
            elif options.helpers_module is not None:
                report.imports_module = f"from {options.helpers_module} import" in result.text
            else:
                report.wants_home = result.text.count(HELPER_HEADER) > program.text.count(
                    HELPER_HEADER
                )
    except Exception as error:  # noqa: BLE001 - see error_reason
        report.error = error_reason(error, (AnalysisError, FixError, SourceError))
        return report
    # Notebook findings get the lines of the .ipynb file that hold them, once for both lists.
    placed = dict(zip(map(id, result.findings), in_file(result.findings, program)))
    report.findings = [placed[id(f)] for f in result.findings if options.wants(f.code)]
    report.changes = [
        dataclasses.replace(change, finding=placed.get(id(change.finding), change.finding))
        for change in result.changes
    ]
    return report


def _fix_text(
    program: Program,
    options: Options,
    others: OtherFiles = ONE_FILE,
    requested: tuple[Edit, ...] = (),
):
    from codemod.rewrite.pipeline import fix_text

    with gc_paused():
        return on_large_stack(
            lambda: fix_text(
                program.text,
                options.strategy,
                options.helpers_module,
                wanted=options.wants,
                cells=program.cells,
                target=options.target,
                style=options.style,
                imports=options.imports_of(program.path),
                others=others,
                requested=requested,
            )
        )


def _helpers_cell(program: Program, result, options: Options) -> bytes | None:
    """A notebook's bytes with the helpers a rewrite pasted into a cell moved into a new code
    cell of their own, just before it; None to keep them where they are (nothing pasted, or
    the notebook with that cell does not rewrite to the same changes).

    The rewrite runs again on the notebook with the helpers cell added: it finds the helpers
    defined there and only rewrites the layers, as a second run would."""
    from codemod.engine.notebook_cells import helpers_cell, virtual_source
    from codemod.engine.notebook_json import insert_code_cell, parse_notebook
    from codemod.rewrite.helper_source import HELPER_HEADER, KERAS_2_HELPER_HEADER

    assert program.notebook is not None and program.cells is not None
    cell = helpers_cell(program.cells, result.text)
    if cell is None:
        return None
    try:
        raw = insert_code_cell(program.notebook, program.source.raw, cell.before, cell.text)
        notebook = parse_notebook(raw, program.path)
        cells = virtual_source(notebook)
        again = Program(notebook.source, cells.text, notebook, cells)
        second = _fix_text(again, options)  # a notebook is no project module: asked nothing
        pasted = any(
            second.text.count(header) > again.text.count(header)
            for header in (HELPER_HEADER, KERAS_2_HELPER_HEADER)
        )
        same = [(c.strategy, c.summary) for c in second.changes] == [
            (c.strategy, c.summary) for c in result.changes
        ]
        if pasted or not same or second.text == again.text:
            return None
        return again.encode(second.text)
    except Exception:  # noqa: BLE001 - the helpers stay where the first rewrite put them
        return None


def fix_stdin(raw: bytes, options: Options) -> FixReport:
    return run_stdin(raw, _Fix(options, others=STDIN))


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
    options = dataclasses.replace(options, project_roots=project_roots(paths))
    run = FixRun(errors=errors)
    places = Places.of(paths)
    refused = outside(files, places) if write and not follow_symlinks else {}
    kept = [path for path in files if path not in refused]
    dirty = frozenset() if options.allow_dirty or not write else dirty_files(kept)
    others = run.others = _other_files(files, refused, dirty)
    job = _Fix(options, dirty, refused, options.helpers_module is None, others)
    # Nothing is written before every file is fixed: each analysis reads the project's modules
    # as they were. Unchanged files keep no bytes meanwhile.
    run.files = run_files(job, files, progress, _release_unchanged if show else None)
    job = _Elsewhere(run, job).settle()
    homes = _Homes(run, job, write, follow_symlinks, places)
    if options.helpers_module is None:
        finder = HomeFinder()
        wanting = [report for report in run.files if report.wants_home]
        if all(finder.add(report.path) for report in wanting):
            homes.move(finder.home(alone=True), wanting)
        else:
            homes.no_home(len(wanting))
    else:
        homes.explicit(options.helpers_module)
    if not write:
        return _show_all(run, show, details)
    chosen = []
    for report in run.files:
        if report is homes.report:
            continue
        if report.changed and (accept is None or accept(report)):
            chosen.append(report)
        elif report.changed:
            report.skipped = True
    # The helpers module must exist before any file importing from it is written, and a file
    # changed for another file's rewrite before that file.
    written = homes.write([report for report in chosen if report.imports_module])
    needed = {id(need) for report in chosen for need in report.needs}
    for report in sorted(chosen, key=lambda report: id(report) not in needed):
        if report.imports_module and not written:
            continue
        if _missing(report) is None:
            _write(report)
    for report in run.files:  # those left unchanged by a rewrite lying wholly elsewhere too
        missing = _missing(report)
        if missing is None or report.error is not None or report.skipped:
            continue
        if any(need.error is not None for need in report.needs):
            report.error = missing
        else:  # declined (--interactive): so is this file's rewrite
            report.skipped = True
    return _show_all(run, show, details)


def _missing(report: FixReport) -> str | None:
    """Why a file's rewrites are not made: a file they change too was not written."""
    missing = [need.path for need in report.needs if not need.changed]  # refused, declined...
    if not missing:
        return None
    return (
        f"not written: its rewrite needs {', '.join(missing)} changed as well, which was"
        " not written"
    )


def _other_files(files: list[str], refused: dict[str, str], dirty: frozenset[str]) -> OtherFiles:
    """The files of the run a rewrite may change besides its own: all but those the guards
    refuse (their reasons, said of the file: "encoders.py has uncommitted changes...")."""
    reasons = {os.path.realpath(path): f"is {why}" for path, why in refused.items()}
    reasons.update(dict.fromkeys(dirty, DIRTY))
    return OtherFiles(tuple(files), reasons)


def _release_unchanged(report: FixReport) -> None:
    """A file with nothing to write needs no bytes kept until the run writes the others."""
    if not report.changed and not report.elsewhere:
        report.release()


class _Elsewhere:
    """Rewrites that change other files of the run (a mask made here, destroyed in a module this
    file calls: mask-aware swaps the layers there). The run re-fixes each such file with the
    edits asked of it, made along with its own. A file that cannot take them (its class chosen
    at run time, a parse error...) is refused to the files asking, which are fixed again
    without it, so that every rewrite reported is one made in whole or not at all."""

    def __init__(self, run: FixRun, job: _Fix) -> None:
        self.run, self.job = run, job
        self.refused = dict(job.others.refused)

    def settle(self) -> _Fix:
        """The job that fixes every file as the run finally does; the run's reports updated."""
        made: dict[str, tuple[Edit, ...]] = {}  # real path -> the edits its report holds
        for _ in range(len(self.run.files) + 1):  # each round refuses one file more, or ends
            wanted = self._wanted()
            if not wanted and not made:
                return self.job  # no rewrite changes another file: most runs
            stale = [
                r for r in self.run.files if wanted.get(_real(r), ()) != made.get(_real(r), ())
            ]
            if not stale:
                break
            others = dataclasses.replace(self.job.others, refused=dict(self.refused))
            self.job = dataclasses.replace(self.job, others=others, requested=wanted)
            failed = set()
            for report, again in zip(
                stale, run_files(self.job, [r.path for r in stale], every=True)
            ):
                key = _real(report)
                made[key] = wanted.get(key, ())
                if again.error is not None and made[key]:
                    self.refused[key] = f"cannot be changed as well ({again.error})"
                    failed.add(key)
                    continue
                self._replace(report, again)
            if failed:
                self._without(failed)
        self._link()
        return self.job

    def _wanted(self) -> dict[str, tuple[Edit, ...]]:
        wanted: dict[str, list[Edit]] = {}
        for report in self.run.files:
            for path, edits in report.elsewhere.items():
                into = wanted.setdefault(os.path.realpath(path), [])
                into += [edit for edit in edits if edit not in into]
        return {path: tuple(edits) for path, edits in wanted.items()}

    def _without(self, failed: set[str]) -> None:
        """Fix again the files whose rewrites needed a file that cannot take them."""
        others = dataclasses.replace(self.job.others, refused=dict(self.refused))
        self.job = dataclasses.replace(self.job, others=others)
        asking = [
            report
            for report in self.run.files
            if any(os.path.realpath(path) in failed for path in report.elsewhere)
        ]
        for report, again in zip(asking, run_files(self.job, [r.path for r in asking], every=True)):
            self._replace(report, again)

    def _replace(self, report: FixReport, again: FixReport) -> None:
        at = next(i for i, r in enumerate(self.run.files) if r is report)
        self.run.files[at] = again

    def _link(self) -> None:
        """Each report asking edits of others holds their reports; those name who asked."""
        by_path = {_real(report): report for report in self.run.files}
        for report in self.run.files:
            for path in report.elsewhere:
                other = by_path.get(os.path.realpath(path))
                if other is not None and other is not report:
                    report.needs.append(other)
                    other.changed_for.append(report.path)


def _real(report: FixReport) -> str:
    return os.path.realpath(report.path)


class _Homes:
    """The helpers module of one run: where it goes, whether it can be written, the files that
    import from it, and its report in the run (a file created)."""

    def __init__(
        self, run: FixRun, job: _Fix, write: bool, follow_symlinks: bool, places: Places
    ) -> None:
        self.run, self.job, self.options, self.write_files = run, job, job.options, write
        self.follow_symlinks, self.places = follow_symlinks, places
        self.module: ModuleFile | None = None
        self.report: FixReport | None = None
        self.pasted: dict[int, bytes] = {}  # id(report) -> its bytes with the helpers pasted
        self.explicit_module = False

    def no_home(self, pasting: int) -> None:
        if pasting > 1:
            self.run.notes.append(
                Note(
                    None,
                    f"the helpers are pasted into each of the {pasting} files that need them:"
                    " they share no folder or package to hold one module (choose one with"
                    " --helpers-module)",
                    verbose=True,
                )
            )

    def move(self, home: Home | None, reports: list[FixReport]) -> None:
        """Make `reports` (pasting the Keras 3 helpers, in path order) import them from `home`
        instead, when it can hold them (see helpers_module.py); a line says why not. One file
        alone keeps its helpers, unless the module is at `home` already, as we write it."""
        if home is None:
            self.no_home(len(reports))
            return
        if len(reports) == 1 and not os.path.isfile(home.path):
            return
        try:
            module = read_helpers_module(home.path)
        except HelpersModuleError as error:
            reason = error.reason
            if reason == NOT_OURS:
                reason = "exists and was not written by keras-mask-codemod; left as it is"
            elif reason == OTHER_TEXT:
                reason = "holds other helpers (edited, or not the whole set); left as it is"
            return self._note(home.path, reason)
        self.places = self.places.with_home(os.path.dirname(home.path), [r.path for r in reports])
        reason = shadowing(home.module, Path(home.root))
        if reason is None and self.write_files and module.needed:
            reason = self._refuse(home.path)
        if reason is not None:
            return self._note(home.path, reason)
        options = dataclasses.replace(self.options, helpers_module=home.module)
        job = dataclasses.replace(self.job, options=options, share=False)
        again = run_files(job, [report.path for report in reports], every=True)
        moved = [
            (report, second)
            for report, second in zip(reports, again)
            if second.error is None
            and second.changed
            and second.old == report.old
            and [c.summary for c in second.changes] == [c.summary for c in report.changes]
        ]
        if not moved or (len(moved) == 1 and module.needed):
            return  # one file alone keeps its helpers
        for report, second in moved:
            self.pasted[id(report)] = report.new
            report.new, report.imports_module = second.new, True
        self._add_module(module, moved[0][0])

    def explicit(self, name: str) -> None:
        """The --helpers-module (or pyproject's): every file that imports it needs it."""
        self.explicit_module = True
        users = [report for report in self.run.files if report.imports_module and report.changed]
        if not users:
            return
        path = str(helpers_module_path(name))
        try:
            module = read_helpers_module(path)
        except HelpersModuleError as error:
            reason = error.reason
            if reason in (NOT_OURS, OTHER_TEXT):
                reason = f"{NOT_OURS} (choose another --helpers-module)"
            self.run.errors.append((path, reason))
            for report in users:
                report.skipped = True
            return
        self._add_module(module, users[0])

    def _add_module(self, module: ModuleFile, first_user: FixReport) -> None:
        if module.old is not None and any(
            os.path.samefile(report.path, module.path)
            for report in self.run.files
            if report.changed and os.path.exists(report.path)
        ):  # an older version's module, given too: its own report upgrades it (KMC401)
            module = ModuleFile(module.path, module.new, module.new)
        self.module = module
        if not module.needed:
            return
        old = module.old if module.old is not None else b""
        self.report = FixReport(module.path, old=old, new=module.new, created=module.old is None)
        at = next(i for i, report in enumerate(self.run.files) if report is first_user)
        self.run.files.insert(at, self.report)

    def write(self, users: list[FixReport]) -> bool:
        """Write the module if any of `users` (the files about to be written) imports it, before
        them. False when a --helpers-module cannot be: an error says why, and `users` are not
        written (skipped). A default home that cannot be written leaves their helpers pasted
        instead, with a line saying why."""
        if self.module is None or not users:
            self._drop_report()  # nothing imports it: not written
            return True
        try:
            write_helpers_module(self.module, self._refuse)
        except HelpersModuleError as error:
            self._drop_report()
            if self.explicit_module:
                self.run.errors.append((error.path, error.reason))
                for report in users:
                    report.skipped = True
                return False
            for report in users:
                report.new = self.pasted.get(id(report), report.new)
                report.imports_module = False
            self._note(error.path, error.reason)
        return True

    def _drop_report(self) -> None:
        if self.report is not None:
            self.run.files = [report for report in self.run.files if report is not self.report]
            self.report = None

    def _note(self, path: str, reason: str) -> None:
        self.run.notes.append(Note(path, f"{reason}; the helpers are pasted into each file"))

    def _refuse(self, path: str) -> str | None:
        return _refuse_helpers_module(
            path,
            follow_symlinks=self.follow_symlinks,
            allow_dirty=self.options.allow_dirty,
            places=None if self.explicit_module else self.places,
        )


def _refuse_helpers_module(
    path: str, follow_symlinks: bool, allow_dirty: bool, places: Places | None = None
) -> str | None:
    """The guards, for the helpers module about to be written: in the current folder (a
    --helpers-module), or in `places`, those of the files fixed (a default home)."""
    if not follow_symlinks:
        places = places or Places.of(["."], "the current folder")
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


def _show_all(
    run: FixRun, show: Callable[[FixReport], None] | None, details: bool = True
) -> FixRun:
    if show is not None:  # else the caller reads the reports' bytes
        for report in run.files:
            _done(report, show, details)
    return run


def _write(report: FixReport) -> None:
    try:
        write_atomic(report.path, report.new, expected=report.old)
    except SourceError as error:
        report.error = error.reason
