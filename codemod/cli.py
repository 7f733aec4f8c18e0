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


@app.command()
def check(
    paths: PathsArg = None,
    output_format: Annotated[
        str, typer.Option("--format", help="Output format: text or json.", metavar="FORMAT")
    ] = "text",
    stdin_filename: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--stdin-filename",
            help="The path to report for source read from stdin.",
            metavar="PATH",
        ),
    ] = None,
    select: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(
            "--select",
            help="Only these rule codes or prefixes (e.g. KMC1,KMC301).",
            metavar="CODES",
        ),
    ] = None,
    ignore: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--ignore", help="Leave out these rule codes or prefixes.", metavar="CODES"),
    ] = None,
    exclude: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--exclude", help="Glob of paths to skip (repeatable).", metavar="GLOB"),
    ] = None,
    force_exclude: Annotated[
        bool, typer.Option("--force-exclude", help="Apply excludes to paths given explicitly too.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary line.")] = False,
) -> None:
    """Report every place where a Keras mask reaches a layer that destroys it.

    Exit status: 0 nothing found, 1 findings, 2 a file could not be read or parsed.
    """
    from codemod.analysis.findings import Code
    from codemod.config import OUTPUT_FORMATS, Options, parse_codes
    from codemod.engine.check import RunReport, check_paths, check_stdin
    from codemod.output import json_report, text

    if output_format not in OUTPUT_FORMATS:
        _usage_error(f"--format must be one of {', '.join(OUTPUT_FORMATS)}, not {output_format!r}")
    try:
        selected = parse_codes(select, option="--select") if select else frozenset(Code)
        selected -= parse_codes(ignore, option="--ignore")
    except ValueError as error:
        _usage_error(str(error))
    options = Options(
        exclude=tuple(exclude or ()),
        force_exclude=force_exclude,
        select=selected,
        output_format=output_format,
        stdin_filename=stdin_filename,
    )
    paths = paths or ["."]
    if paths == ["-"]:
        report = RunReport(files=[check_stdin(sys.stdin.buffer.read(), options)])
    else:
        report = check_paths(paths, options)

    if output_format == "json":
        sys.stdout.write(json_report.render(report))
    else:
        out = [text.finding_line(path, finding) + "\n" for path, finding in report.findings]
        sys.stdout.write("".join(out))
        for path, reason in report.all_errors:
            sys.stderr.write(text.error_line(path, reason) + "\n")
        if not quiet:
            sys.stderr.write(text.summary_line(report) + "\n")
    sys.stdout.flush()
    if report.all_errors:
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_FINDINGS if report.findings else EXIT_CLEAN)


def _usage_error(message: str) -> None:
    sys.stderr.write(f"keras-mask-codemod: error: {message}\n")
    raise typer.Exit(EXIT_ERROR)


def main() -> None:
    app()
