"""The `keras-mask-codemod` command: parse options, call the engine, render. Nothing else lives here."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from codemod import __version__

app = typer.Typer(
    name="keras-mask-codemod",
    help=(
        "Find and fix Keras masks destroyed by layers that do not support masking "
        "(Masking -> Conv1D, Embedding(mask_zero=True) -> Conv1D, ...).\n\n"
        "Examples:\n\n"
        "  keras-mask-codemod check src/\n\n"
        "  keras-mask-codemod check model.py --format json\n\n"
        "  keras-mask-codemod fix --dry-run src/\n\n"
        "  keras-mask-codemod fix model.py --strategy lambda\n\n"
        "  keras-mask-codemod explain KMC101\n\n"
        "  cat model.py | keras-mask-codemod check - --stdin-filename model.py"
    ),
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"keras-mask-codemod {__version__}\n")
        raise typer.Exit(EXIT_CLEAN)


@app.callback()
def main_options(
    version: Annotated[
        Optional[bool],  # noqa: UP045 - typer reads the annotation at run time on Python 3.10
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = None,
) -> None:
    """Find and fix Keras masks destroyed by layers that do not support masking."""


PathsArg = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Argument(
        help="Files and folders to check (default: .). Use - to read stdin.", metavar="PATH"
    ),
]


SelectOpt = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option(
        "--select", help="Only these rule codes or prefixes (e.g. KMC1,KMC301).", metavar="CODES"
    ),
]
IgnoreOpt = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option("--ignore", help="Leave out these rule codes or prefixes.", metavar="CODES"),
]
ExcludeOpt = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option("--exclude", help="Glob of paths to skip (repeatable).", metavar="GLOB"),
]
ForceExcludeOpt = Annotated[
    bool, typer.Option("--force-exclude", help="Apply excludes to paths given explicitly too.")
]
StdinFilenameOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--stdin-filename", help="The path to report for source read from stdin.", metavar="PATH"
    ),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No summary line.")]
JobsOpt = Annotated[
    Optional[int],  # noqa: UP045
    typer.Option(
        "--jobs", "-j", help="Worker processes (default: every core).", metavar="N", min=1
    ),
]
VerboseOpt = Annotated[
    bool, typer.Option("--verbose", "-v", help="Also say on stderr what happened to every file.")
]
TargetOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--target-keras",
        help="The Keras the code runs on: 2, 2.15, 3, 3.16... "
        "(default: read from the project's pins, else the newest release).",
        metavar="VERSION",
    ),
]


@app.command()
def check(
    paths: PathsArg = None,
    output_format: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--format",
            help="Output format: text (default), json, github or sarif.",
            metavar="FORMAT",
        ),
    ] = None,
    stdin_filename: StdinFilenameOpt = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    exclude: ExcludeOpt = None,
    force_exclude: ForceExcludeOpt = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
    jobs: JobsOpt = None,
    target_keras: TargetOpt = None,
) -> None:
    """Report every place where a Keras mask reaches a layer that destroys it.

    Exit status: 0 nothing found, 1 findings, 2 a file could not be read or parsed.
    """
    from codemod.config import OUTPUT_FORMATS
    from codemod.engine.check import RunReport, check_paths, check_stdin
    from codemod.output import github, json_report, terminal, text

    paths = paths or ["."]
    start = _start(paths, stdin_filename)
    settings = _settings(start)
    output_format = output_format or settings.output_format or "text"
    if output_format not in OUTPUT_FORMATS:
        _usage_error(f"--format must be one of {', '.join(OUTPUT_FORMATS)}, not {output_format!r}")
    options = _options(
        settings,
        exclude,
        force_exclude,
        select,
        ignore,
        stdin_filename,
        output_format=output_format,
        jobs=jobs or default_jobs(),
        target=_target(target_keras, settings, start),
    )
    if verbose:
        sys.stderr.write(text.target_line(options.target) + "\n")
    render = github.finding_line if output_format == "github" else text.finding_line

    def show(file_report) -> None:
        """Each file's findings as soon as it is done (text and github formats)."""
        lines = [render(file_report.path, finding) for finding in file_report.findings]
        sys.stdout.write("".join(line + "\n" for line in lines))

    streaming = output_format not in ("json", "sarif")
    if paths == ["-"]:
        report = RunReport(files=[check_stdin(sys.stdin.buffer.read(), options)])
        if streaming:
            show(report.files[0])
    else:
        bar = terminal.ProgressBar(sys.stderr)
        report = check_paths(paths, options, progress=bar, show=show if streaming else None)

    if output_format == "json":
        sys.stdout.write(json_report.render(report, options.target))
    elif output_format == "sarif":
        from codemod.output import sarif

        found = [(path, finding, None) for path, finding in report.findings]
        sys.stdout.write(sarif.render(found, report.all_errors))
    elif output_format == "github":
        lines = [github.error_line(path, reason) for path, reason in report.all_errors]
        sys.stdout.write("".join(line + "\n" for line in lines))
    else:
        for path, reason in report.all_errors:
            sys.stderr.write(text.error_line(path, reason) + "\n")
        if verbose:
            sys.stderr.write("".join(text.check_file_line(f) + "\n" for f in report.files))
        if not quiet:
            sys.stderr.write(text.summary_line(report) + "\n")
    sys.stdout.flush()
    if report.all_errors:
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_FINDINGS if report.finding_count else EXIT_CLEAN)


@app.command()
def fix(
    paths: PathsArg = None,
    strategy: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--strategy",
            help="auto (default: per finding), mask-aware, lambda or remove.",
            metavar="STRATEGY",
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", "--diff", help="Write nothing; print the diff that fix would apply."
        ),
    ] = False,
    interactive: Annotated[
        bool,
        typer.Option(
            "--interactive", "-i", help="Show each file's changes and ask before writing them."
        ),
    ] = False,
    report_path: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--report",
            help="Also write a JSON report of every file, finding and rewrite to this file.",
            metavar="FILE.json",
        ),
    ] = None,
    allow_dirty: Annotated[
        bool,
        typer.Option(
            "--allow-dirty",
            help="Also fix files with uncommitted changes in git (refused by default).",
        ),
    ] = False,
    helpers_module: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--helpers-module",
            help="Import the helper layers from this module (e.g. myproject.mask_layers), "
            "written once, instead of adding them to each file.",
            metavar="MODULE",
        ),
    ] = None,
    output_format: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--format",
            help="How to report the rewrites: text (default), json, github or sarif.",
            metavar="FORMAT",
        ),
    ] = None,
    stdin_filename: StdinFilenameOpt = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    exclude: ExcludeOpt = None,
    force_exclude: ForceExcludeOpt = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
    jobs: JobsOpt = None,
    target_keras: TargetOpt = None,
) -> None:
    """Rewrite every destroyed mask with a strategy that says what it guarantees.

    Prints one line per rewrite (path:line: strategy: what (why)). With --dry-run the lines go to
    stderr and a diff that `git apply` accepts goes to stdout. With - the source is read from stdin
    and the fixed source written to stdout.

    Exit status: 0 done (or nothing to do), 1 findings were left for review (with --dry-run: changes
    would be made), 2 a file could not be read, parsed or fixed safely.
    """
    from codemod.config import OUTPUT_FORMATS
    from codemod.engine.fix import FixRun, fix_paths, fix_stdin
    from codemod.output import github, json_report, terminal, text
    from codemod.output.diff import unified_diff
    from codemod.rewrite import strategies

    paths = paths or ["."]
    start = _start(paths, stdin_filename)
    settings = _settings(start)
    strategy = strategy or settings.strategy or "auto"
    output_format = output_format or settings.output_format or "text"
    if output_format not in OUTPUT_FORMATS:
        _usage_error(f"--format must be one of {', '.join(OUTPUT_FORMATS)}, not {output_format!r}")
    if strategy not in strategies.choices():
        choices = ", ".join(strategies.choices())
        _usage_error(f"--strategy must be one of {choices}, not {strategy!r}")
    if helpers_module is not None and not _is_module_name(helpers_module):
        _usage_error(f"--helpers-module must be a dotted module name, not {helpers_module!r}")
    options = _options(
        settings,
        exclude,
        force_exclude,
        select,
        ignore,
        stdin_filename,
        strategy=strategy,
        helpers_module=helpers_module or settings.helpers_module,
        jobs=1 if interactive else jobs or default_jobs(),
        allow_dirty=allow_dirty,
        target=_target(target_keras, settings, start),
    )
    from_stdin = paths == ["-"]
    if interactive and (dry_run or from_stdin):
        _usage_error("--interactive cannot be combined with --dry-run or stdin")
    if verbose:
        sys.stderr.write(text.target_line(options.target) + "\n")
    messages = sys.stderr if (dry_run or from_stdin) else sys.stdout
    colour = terminal.use_colour(sys.stdout)

    def show(report) -> None:
        """Each file's lines (and diff) as soon as it is done, in path order."""
        if output_format not in ("json", "sarif"):
            render = github.change_line if output_format == "github" else text.change_line
            if report.skipped:
                messages.write(f"{report.path}: skipped: not applied\n")
            else:
                messages.write("".join(render(report.path, c) + "\n" for c in report.changes))
        if dry_run and report.changed:
            patch = unified_diff(report.old, report.new, _diff_path(report.path))
            terminal.write_diff(patch, sys.stdout, colour)

    if from_stdin:
        run = FixRun(files=[fix_stdin(sys.stdin.buffer.read(), options)])
        show(run.files[0])
        sys.stdout.buffer.write(run.files[0].new or run.files[0].old)
    else:
        accept = _Prompt(colour) if interactive else None
        bar = None if interactive else terminal.ProgressBar(sys.stderr)
        # JSON, SARIF and --report need every finding at the end; otherwise keep only counts.
        details = output_format in ("json", "sarif") or report_path is not None
        run = fix_paths(
            paths,
            options,
            write=not dry_run,
            accept=accept,
            show=show,
            progress=bar,
            details=details,
        )

    if report_path is not None:
        document = json_report.render_migration_report(run, strategy, dry_run, options.target)
        _write_report(report_path, document)
    if output_format == "json":
        messages.write(json_report.render_fix(run, dry_run, options.target))
    elif output_format == "sarif":
        from codemod.output import sarif

        found = [
            (report.path, change.finding, _fix_properties(change))
            for report in run.files
            for change in report.changes
        ]
        messages.write(sarif.render(found, run.all_errors))
    for path, reason in run.all_errors:
        if output_format == "github":
            messages.write(github.error_line(path, reason) + "\n")
        elif output_format == "text":
            sys.stderr.write(text.error_line(path, reason) + "\n")
    if verbose and output_format == "text":
        sys.stderr.write("".join(text.fix_file_line(f, dry_run) + "\n" for f in run.files))
    if not quiet and output_format == "text":
        sys.stderr.write(text.fix_summary_line(run, dry_run) + "\n")
    sys.stdout.flush()
    if run.all_errors:
        raise typer.Exit(EXIT_ERROR)
    if dry_run:
        raise typer.Exit(EXIT_FINDINGS if any(f.changed for f in run.files) else EXIT_CLEAN)
    raise typer.Exit(EXIT_FINDINGS if any(f.unfixed_count for f in run.files) else EXIT_CLEAN)


@app.command()
def explain(
    code: Annotated[
        Optional[str],  # noqa: UP045
        typer.Argument(help="A rule code such as KMC101 (default: list them all).", metavar="CODE"),
    ] = None,
) -> None:
    """Say what a rule code means, with an example and the strategies that fix it."""
    from codemod.analysis.findings import Code
    from codemod.explain import explain as explain_code
    from codemod.explain import summary

    if code is None:
        sys.stdout.write(summary())
        return
    try:
        rule = Code(code.strip().upper())
    except ValueError:
        known = ", ".join(c.value for c in Code)
        _usage_error(f"unknown rule code {code!r} (known: {known})")
        raise  # unreachable
    sys.stdout.write(explain_code(rule))


class _Prompt:
    """--interactive: show a file's diff and ask y/n/a/q. A file's rewrites go together, since
    they depend on each other (helper definitions, imports)."""

    def __init__(self, colour: bool) -> None:
        self.colour = colour
        self.answer_all: bool | None = None  # True after "a", False after "q"

    def __call__(self, report) -> bool:
        from codemod.output import terminal
        from codemod.output.diff import unified_diff

        if self.answer_all is not None:
            return self.answer_all
        patch = unified_diff(report.old, report.new, _diff_path(report.path))
        terminal.write_diff(patch, sys.stdout, self.colour)
        while True:
            sys.stdout.write(f"Apply these changes to {report.path}? [y]es [n]o [a]ll [q]uit: ")
            sys.stdout.flush()
            reply = sys.stdin.readline()
            answer = reply.strip().lower()[:1] if reply else "q"
            if answer in ("y", "n"):
                return answer == "y"
            if answer in ("a", "q"):
                self.answer_all = answer == "a"
                return self.answer_all


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
        _usage_error(str(error))
        raise  # unreachable: _usage_error exits


def _target(option, settings, start):
    """The Keras the code runs on: --target-keras, else pyproject.toml, else the pins."""
    from codemod.target import resolve_target

    try:
        return resolve_target(option, settings, start)
    except ValueError as error:
        _usage_error(str(error))
        raise  # unreachable: _usage_error exits


def default_jobs() -> int:
    from codemod.engine.parallel import default_jobs as cores

    return cores()


def _options(settings, exclude, force_exclude, select, ignore, stdin_filename, **more):
    """The run's options: the command line where given, else pyproject.toml, else defaults."""
    from codemod.config import Options

    return Options(
        exclude=tuple(exclude if exclude is not None else settings.exclude or ()),
        force_exclude=force_exclude or bool(settings.force_exclude),
        select=_codes(select or settings.select, ignore or settings.ignore),
        stdin_filename=stdin_filename,
        **more,
    )


def _codes(select, ignore):
    from codemod.analysis.findings import Code
    from codemod.config import parse_codes

    try:
        selected = parse_codes(select, option="--select") if select else frozenset(Code)
        return selected - parse_codes(ignore, option="--ignore")
    except ValueError as error:
        _usage_error(str(error))
        raise  # unreachable: _usage_error exits


def _fix_properties(change) -> dict:
    return {"strategy": change.strategy, "rewrite": change.summary, "reason": change.reason}


def _write_report(path: str, document: str) -> None:
    from codemod.engine.sources import SourceError, write_atomic

    try:
        write_atomic(path, document.encode("utf-8"))
    except SourceError as error:
        _usage_error(f"--report: {error.describe()}")


def _is_module_name(name: str) -> bool:
    return all(part.isidentifier() for part in name.split("."))


def _diff_path(path: str) -> str:
    """Paths in a diff are relative, with forward slashes, as `git apply` wants them: relative to
    the current folder, or, for a file outside it, to the filesystem root (apply it from there)."""
    import os

    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute)
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        _, rest = os.path.splitdrive(absolute)
        relative = rest.lstrip(os.sep)
    return relative.replace(os.sep, "/")


def _usage_error(message: str) -> None:
    sys.stderr.write(f"keras-mask-codemod: error: {message}\n")
    raise typer.Exit(EXIT_ERROR)


def main() -> None:
    """The console entry point: no traceback ever reaches a user, even for a bug of ours."""
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write(
            "keras-mask-codemod: interrupted; every file is wholly old or wholly new\n"
        )
        sys.exit(130)
    except Exception as error:  # noqa: BLE001 - the last guard, after every expected error
        sys.stderr.write(
            f"keras-mask-codemod: internal error, please report it: {type(error).__name__}: {error}\n"
        )
        sys.exit(EXIT_ERROR)
