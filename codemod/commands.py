"""The typer declarations of the commands: their options, help and parsing, and the bodies of
fix, explain and server.

check and fix share most of their options: declared once, as the fields of cli.SharedOptions (the
typer declaration of each is `_SHARED_DECLARATIONS`'s), which `_with_shared_options` adds to each
command. check's body is cli.py's, where a plain check starts without importing typer. What the
commands print is codemod/output/render.py's, their exit status codemod/output/exit_codes.py's.
Imports stay inside the commands: `--version` must start fast.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Optional, get_args

import typer
from typer.core import TyperCommand

from codemod import __version__
from codemod.cli import Setup, SharedOptions, is_module_name, one_of, run_check, usage_error
from codemod.output import exit_codes

if TYPE_CHECKING:
    from codemod.config import Options

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
    context_settings={"help_option_names": ["-h", "--help"]},  # the commands inherit it
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"keras-mask-codemod {__version__}\n")
        raise typer.Exit(exit_codes.CLEAN)


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
        help="Files and folders to check (default: .). Use - to read stdin.", metavar="PATH..."
    ),
]
FormatOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--format", help="Output format: text (default), json, github or sarif.", metavar="FORMAT"
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
QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", help="No summary line (each finding's line stays).")
]
SilentOpt = Annotated[
    bool,
    typer.Option(
        "--silent",
        "-s",
        help="Nothing but errors: no line per finding or rewrite, no summary (the exit status says).",
    ),
]
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


_SHARED_DECLARATIONS = {
    "paths": PathsArg,
    "output_format": FormatOpt,
    "stdin_filename": StdinFilenameOpt,
    "select": SelectOpt,
    "ignore": IgnoreOpt,
    "exclude": ExcludeOpt,
    "force_exclude": ForceExcludeOpt,
    "quiet": QuietOpt,
    "silent": SilentOpt,
    "verbose": VerboseOpt,
    "jobs": JobsOpt,
    "target_keras": TargetOpt,
}


def _shared_parameters() -> list[inspect.Parameter]:
    """SharedOptions' fields as typer reads them, in their order (the order of `--help`)."""
    return [
        inspect.Parameter(
            field.name,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            default=field.default,
            annotation=_SHARED_DECLARATIONS[field.name],
        )
        for field in dataclasses.fields(SharedOptions)
    ]


def _with_shared_options(
    format_help: str | None = None, paths_help: str | None = None
) -> Callable[[Callable], Callable]:
    """Make `command(shared: SharedOptions, **own)` a typer command that takes the shared options
    too: the path argument, then the command's own options, then the shared ones (the help of
    --format and of the paths may be the command's own)."""
    own_help = {"output_format": format_help, "paths": paths_help}

    def decorate(command: Callable) -> Callable:
        shared = _shared_parameters()
        own = list(inspect.signature(command, eval_str=True).parameters.values())[1:]
        shared = [
            _with_help(p, help) if (help := own_help.get(p.name)) is not None else p for p in shared
        ]

        def run(**given: object) -> None:
            command(SharedOptions(**{p.name: given.pop(p.name) for p in shared}), **given)

        run.__signature__ = inspect.Signature([shared[0], *own, *shared[1:]])
        run.__name__, run.__doc__ = command.__name__, command.__doc__
        return run

    return decorate


def _with_help(parameter: inspect.Parameter, help: str) -> inspect.Parameter:
    """`parameter` as typer declares it (`Annotated[type, typer.Option(...)]`), with other help."""
    kind, info = get_args(parameter.annotation)
    info = copy.copy(info)
    info.help = help
    return parameter.replace(annotation=Annotated[kind, info])


@app.command(short_help="Report every mask that a layer destroys; change nothing.")
@_with_shared_options()
def check(shared: SharedOptions) -> None:
    """Report every place where a Keras mask reaches a layer that destroys it.

    Exit status: 0 nothing found, 1 findings, 2 a file could not be read or parsed.
    """
    run_check(shared)


StrategyOpt = Annotated[
    Optional[str],  # noqa: UP045
    # The help names the registered strategies: _FixCommand writes it when --help is shown.
    typer.Option("--strategy", help="How to rewrite.", metavar="STRATEGY"),
]
DryRunOpt = Annotated[
    bool,
    typer.Option("--dry-run", "--diff", help="Write nothing; print the diff that fix would apply."),
]
InteractiveOpt = Annotated[
    bool,
    typer.Option(
        "--interactive", "-i", help="Show each file's changes and ask before writing them."
    ),
]
ReportOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--report",
        help=(
            "Also write a report of every file, finding and rewrite to this file: JSON, or, "
            "for FILE.md, a pull request's description in Markdown."
        ),
        metavar="FILE.json|FILE.md",
    ),
]
AllowDirtyOpt = Annotated[
    bool,
    typer.Option(
        "--allow-dirty", help="Also fix files with uncommitted changes in git (refused by default)."
    ),
]
FollowSymlinksOpt = Annotated[
    bool,
    typer.Option(
        "--follow-symlinks",
        help="Also fix files whose symlinks lead outside the work tree and the paths given "
        "(refused by default); they are written where the symlinks point.",
    ),
]
HelpersModuleOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--helpers-module",
        help="Import the helper layers from this module (e.g. myproject.mask_layers), "
        "written once, instead of adding them to each file.",
        metavar="MODULE",
    ),
]


class _FixCommand(TyperCommand):
    """`fix --help` names the strategies registered when it is shown."""

    def format_help(self, ctx, formatter) -> None:
        for param in self.params:
            if param.name == "strategy":
                param.help = _strategy_help()
        super().format_help(ctx, formatter)


def _strategy_help() -> str:
    """`auto (default: per finding), mask-aware, lambda or remove.`, from the registry."""
    from codemod.rewrite import strategies

    *names, last = [strategy.name for strategy in strategies.registered()]
    return f"{strategies.AUTO} (default: per finding), {', '.join(names)} or {last}."


@app.command(
    cls=_FixCommand, short_help="Rewrite each destroyed mask, saying what the rewrite guarantees."
)
@_with_shared_options(
    format_help="How to report the rewrites: text (default), json, github or sarif.",
    paths_help="Files and folders to fix (default: .). Use - to read stdin.",
)
def fix(
    shared: SharedOptions,
    strategy: StrategyOpt = None,
    dry_run: DryRunOpt = False,
    interactive: InteractiveOpt = False,
    report_path: ReportOpt = None,
    allow_dirty: AllowDirtyOpt = False,
    follow_symlinks: FollowSymlinksOpt = False,
    helpers_module: HelpersModuleOpt = None,
) -> None:
    """Rewrite every destroyed mask with a strategy that says what it guarantees.

    Prints one line per rewrite (path:line: strategy: what (why)). With --dry-run the lines go to
    stderr and a diff that `git apply` accepts goes to stdout. With - the source is read from stdin
    and the fixed source written to stdout.

    Exit status: 0 done (or nothing to do), 1 findings were left (for review, or declined with
    --interactive; with --dry-run: changes would be made), 2 a file could not be read, parsed or
    fixed safely.
    """
    from codemod.engine.fix import FixRun, fix_paths, fix_stdin
    from codemod.output.render import FixOutput, ReportNotWritten
    from codemod.output.terminal import ProgressBar

    options = _fix_options(Setup(shared), strategy, helpers_module, interactive, allow_dirty)
    if interactive and (dry_run or shared.from_stdin):
        usage_error("--interactive cannot be combined with --dry-run or stdin")
    output = FixOutput(
        options,
        dry_run=dry_run,
        from_stdin=shared.from_stdin,
        report_path=report_path,
        quiet=shared.quiet,
        verbose=shared.verbose,
        silent=shared.silent,
    )
    output.start()
    if shared.from_stdin:
        run = FixRun(files=[fix_stdin(sys.stdin.buffer.read(), options)])
        output.show_stdin(run.files[0])
    else:
        run = fix_paths(
            shared.paths,
            options,
            write=not dry_run,
            accept=_prompt(output.colour) if interactive else None,
            show=output.show,
            progress=None if interactive else ProgressBar(sys.stderr),
            details=output.needs_details,
            follow_symlinks=follow_symlinks,
        )
    try:
        output.finish(run)
    except ReportNotWritten as error:
        usage_error(str(error))
    raise typer.Exit(exit_codes.of_fix(run, dry_run))


def _prompt(colour: bool) -> Callable:
    """The --interactive prompt; on a terminal, a diff taller than it goes through $PAGER (else
    `less -R`, as git does), when there is one."""
    import shlex
    import shutil

    from codemod.output.prompt import Prompt

    if not sys.stdout.isatty():
        return Prompt(colour)
    pager = shlex.split(os.environ.get("PAGER") or "less -R")
    found = bool(pager) and shutil.which(pager[0]) is not None
    return Prompt(colour, pager if found else None, shutil.get_terminal_size().lines)


def _fix_options(
    setup: Setup,
    strategy: str | None,
    helpers_module: str | None,
    interactive: bool,
    allow_dirty: bool,
) -> Options:
    """fix's Options: its own options checked, then the shared ones."""
    from codemod.rewrite import strategies

    strategy = strategy or setup.settings.strategy or strategies.AUTO
    strategy = one_of("--strategy", strategy, strategies.choices())
    if helpers_module is not None and not is_module_name(helpers_module):
        usage_error(f"--helpers-module must be a dotted module name, not {helpers_module!r}")
    _check_helpers_module(helpers_module, setup.settings)
    return setup.options(
        jobs=1 if interactive else None,  # the prompt asks about one file at a time
        strategy=strategy,
        helpers_module=helpers_module or setup.settings.helpers_module,
        allow_dirty=allow_dirty,
    )


def _check_helpers_module(option: str | None, settings) -> None:
    """A helpers module (the option's, else pyproject's) must not shadow a module the project
    imports from elsewhere (engine/helpers_module.py says which); checked only when one is set,
    so other runs never look up the installed distributions."""
    from codemod.engine.helpers_module import shadowing
    from codemod.settings import SECTION

    module = option or settings.helpers_module
    reason = None if module is None else shadowing(module)
    if reason is None:
        return
    if option is not None:
        usage_error(f"--helpers-module {option} {reason}")
    usage_error(f"{settings.path}: [tool.{SECTION}] helpers-module {module!r} {reason}")


@app.command(short_help="Run the language server for editors (LSP over stdio).")
def server() -> None:
    """Run the language server: findings as you type, fixes as code actions (LSP over stdio).

    Editors start it themselves; see the README's "Editors" section for VS Code, Neovim, Helix
    and PyCharm.
    """
    from codemod.server import main as serve

    serve()


@app.command(short_help="Say what a rule code means, with an example and its fixes.")
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
        usage_error(f"unknown rule code {code!r} (known: {known})")
        raise  # unreachable
    sys.stdout.write(explain_code(rule))
