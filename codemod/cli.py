"""The `keras-mask-codemod` command: its entry point, the set-up check and fix share, and check.

typer reads the command line (codemod/commands.py declares the commands) except for a plain check:
paths and on/off flags, read here. typer's import is a tenth of a check over a package's tree, so
such a check, as pre-commit and CI run it, starts without it. What the commands print is
codemod/output/render.py's, their exit status codemod/output/exit_codes.py's. Imports stay
inside the functions: `--version` and `check` on a clean file must start fast.
"""

from __future__ import annotations

import errno
import os
import sys
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from codemod.output import exit_codes

if TYPE_CHECKING:
    from codemod.config import Options


def __getattr__(name: str) -> object:
    """`codemod.cli.app`, the typer app, imported when asked for: a plain check never needs it."""
    if name == "app":
        from codemod.commands import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass
class SharedOptions:
    """The path argument and the options check and fix share, declared once: typer reads these
    fields (their order is the order of `--help`; their declarations are codemod/commands.py's)
    and each command receives them as one value."""

    paths: list[str] | None = None
    output_format: str | None = None
    stdin_filename: str | None = None
    select: list[str] | None = None
    ignore: list[str] | None = None
    exclude: list[str] | None = None
    force_exclude: bool = False
    quiet: bool = False
    silent: bool = False
    verbose: bool = False
    jobs: int | None = None
    target_keras: str | None = None

    def __post_init__(self) -> None:
        self.paths = self.paths or ["."]

    @property
    def from_stdin(self) -> bool:
        return self.paths == ["-"]


class Setup:
    """What check and fix do first: find the project's settings (pyproject.toml near the first
    path), settle the output format, and build the run's Options from the command line, else
    the settings, else the defaults. Each mistake is a one-line usage error."""

    def __init__(self, shared: SharedOptions) -> None:
        from codemod.config import OUTPUT_FORMATS

        self.shared = shared
        self.start = _start(shared.paths, shared.stdin_filename)
        self.settings = _settings(self.start)
        output_format = shared.output_format or self.settings.output_format or "text"
        self.output_format = one_of("--format", output_format, OUTPUT_FORMATS)

    def options(self, jobs: int | None = None, **own: object) -> Options:
        """The Options of the run; `own` are the command's own (fix: the strategy...)."""
        from codemod.config import Options

        shared, settings = self.shared, self.settings
        target = _target(shared.target_keras, settings, self.start)
        return Options(
            exclude=tuple(shared.exclude if shared.exclude is not None else settings.exclude or ()),
            force_exclude=shared.force_exclude or bool(settings.force_exclude),
            select=_codes(shared.select or settings.select, shared.ignore or settings.ignore),
            stdin_filename=shared.stdin_filename,
            output_format=self.output_format,
            jobs=jobs or shared.jobs or default_jobs(),
            target=target,
            style=settings.style,
            **own,
        )


def run_check(shared: SharedOptions) -> None:
    """check: report every place where a Keras mask reaches a layer that destroys it; exits with
    the status (0 nothing found, 1 findings, 2 a file could not be read or parsed)."""
    from codemod.engine.check import RunReport, check_paths, check_stdin
    from codemod.output.render import CheckOutput
    from codemod.output.terminal import ProgressBar

    options = Setup(shared).options()
    output = CheckOutput(options, quiet=shared.quiet, verbose=shared.verbose, silent=shared.silent)
    output.start()
    if shared.from_stdin:
        report = RunReport(files=[check_stdin(sys.stdin.buffer.read(), options)])
        if output.show is not None:
            output.show(report.files[0])
    else:
        bar = ProgressBar(sys.stderr)
        report = check_paths(shared.paths, options, progress=bar, show=output.show)
    output.finish(report)
    raise SystemExit(exit_codes.of_check(report))


def _start(paths: list[str], stdin_filename: str | None):
    """Where the project's settings and pins are looked for: the first path (or the stdin file
    name), or the nearest folder of it that exists."""
    from pathlib import Path

    first = stdin_filename if paths == ["-"] and stdin_filename else paths[0]
    start = Path(first if first != "-" else ".")
    if not start.exists():
        start = start.parent if start.parent.exists() else Path()
    return start


def _settings(start):
    """[tool.keras-mask-codemod] from the pyproject.toml nearest `start`; a mistake there is a
    one-line error."""
    from codemod.settings import SettingsError, load_settings

    try:
        return load_settings(start)
    except SettingsError as error:
        usage_error(str(error))
        raise  # unreachable: usage_error exits


def _target(option, settings, start):
    """The Keras the code runs on: --target-keras, else pyproject.toml, else the pins."""
    from codemod.target import resolve_target

    try:
        return resolve_target(option, settings, start)
    except ValueError as error:
        usage_error(str(error))
        raise  # unreachable: usage_error exits


def default_jobs() -> int:
    from codemod.engine.parallel import default_jobs as cores

    return cores()


def _codes(select, ignore):
    from codemod.analysis.findings import Code
    from codemod.config import parse_codes

    try:
        selected = parse_codes(select, option="--select") if select else frozenset(Code)
        return selected - parse_codes(ignore, option="--ignore")
    except ValueError as error:
        usage_error(str(error))
        raise  # unreachable: usage_error exits


def one_of(option: str, value: str, choices: tuple[str, ...]) -> str:
    """`value`, if it is one of `choices` (read when the command runs), else a usage error."""
    if value not in choices:
        usage_error(f"{option} must be one of {', '.join(choices)}, not {value!r}")
    return value


def is_module_name(name: str) -> bool:
    return all(part.isidentifier() for part in name.split("."))


def usage_error(message: str) -> None:
    sys.stderr.write(f"keras-mask-codemod: error: {message}\n")
    raise SystemExit(exit_codes.ERROR)


# The on/off flags a plain check may hold, and the field each sets.
_PLAIN_CHECK_FLAGS = {
    "--quiet": "quiet",
    "-q": "quiet",
    "--silent": "silent",
    "-s": "silent",
    "--verbose": "verbose",
    "-v": "verbose",
    "--force-exclude": "force_exclude",
}


def plain_check(args: list[str]) -> SharedOptions | None:
    """The options of `check` given only paths and on/off flags, as typer would read them; None
    for any other command line (options with values, `-`, `--`, help, typer's shell completion),
    which typer reads."""
    if not args or args[0] != "check" or any(name.endswith("_COMPLETE") for name in os.environ):
        return None
    paths: list[str] = []
    flags: dict[str, bool] = {}
    for arg in args[1:]:
        if arg in _PLAIN_CHECK_FLAGS:
            flags[_PLAIN_CHECK_FLAGS[arg]] = True
        elif arg.startswith("-"):
            return None
        else:
            paths.append(arg)
    return SharedOptions(paths=paths or None, **flags)


def _run(args: list[str]) -> None:
    """A plain check runs here, ending as typer ends a command; anything else goes to typer."""
    shared = plain_check(args)
    if shared is None:
        from codemod.commands import app

        app()
        return
    try:
        run_check(shared)
    except KeyboardInterrupt:
        raise SystemExit(exit_codes.INTERRUPTED) from None
    except OSError as error:
        if error.errno != errno.EPIPE:
            raise
        _silence_closed_pipe()
        raise SystemExit(1) from None


def _silence_closed_pipe() -> None:
    """After a reader closed our output (`check | head`): what is still buffered goes nowhere,
    as typer lets it, instead of failing again at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        try:
            os.dup2(devnull, stream.fileno())
        except (OSError, ValueError):
            pass
    os.close(devnull)


def main() -> None:
    """The console entry point: no traceback ever reaches a user, even for a bug of ours."""
    try:
        _run(sys.argv[1:])
    except SystemExit as done:
        if done.code == exit_codes.INTERRUPTED:  # typer turns Ctrl-C into this exit, silently
            _interrupted()
        _exit_at_once(done)
    except KeyboardInterrupt:
        _interrupted()
        sys.exit(exit_codes.INTERRUPTED)
    except Exception as error:  # noqa: BLE001 - the last guard, after every expected error
        sys.stderr.write(
            f"keras-mask-codemod: internal error, please report it: {type(error).__name__}: {error}\n"
        )
        sys.exit(exit_codes.ERROR)


def _interrupted() -> None:
    """After Ctrl-C: workers may have written files whose lines were not printed yet."""
    sys.stderr.write(
        "keras-mask-codemod: interrupted; files written so far may be more than the lines above"
        " (each is wholly old or wholly new): `git status` shows them, and a rerun finishes"
        " the job\n"
    )


def _exit_at_once(done: SystemExit) -> None:
    """Exit with the command's status, skipping Python's teardown of the run's objects, which
    takes longer than the whole check of a small tree (mypy exits the same way). Every file is
    written and closed by then; only the standard streams are still buffered. The usual exit
    stays for a message to print, a profiler or coverage that writes out at exit, and workers
    still finishing (after an interrupt), which that exit waits for."""
    if not isinstance(done.code, int) or sys.getprofile() or sys.gettrace() or _still_working():
        raise done
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: the usual exit handles it
        raise done from None
    os._exit(done.code)


def _still_working() -> bool:
    if threading.active_count() > 1:
        return True
    processes = sys.modules.get("multiprocessing")
    return processes is not None and bool(processes.active_children())
