"""What `check` and `fix` print, in each output format: one renderer per command.

A renderer is made before the run (`start` names the target Keras, with --verbose), sees each
file's report (`show`: the text and github formats print their lines in path order; check's as
soon as each file is done, fix's once every file is fixed and written), and ends the run (`finish`: the JSON or SARIF document, the errors, the summary line).

Findings and rewrites go to stdout, errors and the summary to stderr; but where stdout carries a
diff (fix --dry-run) or the fixed source (fix -), fix's lines go to stderr too.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from codemod.output import github, terminal, text

if TYPE_CHECKING:
    from codemod.config import Options
    from codemod.engine.check import FileReport, RunReport
    from codemod.engine.fix import FixReport, FixRun
    from codemod.rewrite.plan import Change

STREAMED = ("text", "github")  # the formats that print each file's lines as soon as it is done


class CheckOutput:
    """`check`: one line per finding (text or github), or one JSON or SARIF document at the end."""

    def __init__(
        self, options: Options, *, quiet: bool, verbose: bool, silent: bool = False
    ) -> None:
        self.options = options
        self.format = options.output_format
        self.quiet = quiet or silent
        self.verbose = verbose and not silent
        self.silent = silent
        # None for JSON and SARIF: they need every finding at the end, which showing would release.
        self.show: Callable[[FileReport], None] | None = (
            self._show if self.format in STREAMED else None
        )

    def start(self) -> None:
        _start(self.options, self.verbose)

    def _show(self, report: FileReport) -> None:
        if self.silent:
            return
        line = github.finding_line if self.format == "github" else text.finding_line
        sys.stdout.write("".join(line(report.path, f) + "\n" for f in report.findings))

    def finish(self, report: RunReport) -> None:
        if self.silent:
            for path, reason in report.all_errors:
                sys.stderr.write(text.error_line(path, reason) + "\n")
        elif self.format == "json":
            from codemod.output import json_report  # loads the rewriting side: only for JSON

            sys.stdout.write(json_report.render(report, self.options.target))
        elif self.format == "sarif":
            from codemod.output import sarif

            found = [(path, finding, None) for path, finding in report.findings]
            sys.stdout.write(sarif.render(found, report.all_errors))
        elif self.format == "github":
            lines = [github.error_line(path, reason) for path, reason in report.all_errors]
            sys.stdout.write("".join(line + "\n" for line in lines))
        else:
            for path, reason in report.all_errors:
                sys.stderr.write(text.error_line(path, reason) + "\n")
            if self.verbose:
                sys.stderr.write("".join(text.check_file_line(f) + "\n" for f in report.files))
            if not self.quiet:
                sys.stderr.write(text.summary_line(report) + "\n")
        sys.stdout.flush()


class ReportNotWritten(Exception):
    """fix --report FILE could not be written; the message names the option and the reason."""


class FixOutput:
    """`fix`: one line per rewrite (text or github) or a JSON or SARIF document, the --dry-run
    diff, the fixed source read from stdin, and the --report file."""

    def __init__(
        self,
        options: Options,
        *,
        dry_run: bool,
        from_stdin: bool,
        report_path: str | None,
        quiet: bool,
        verbose: bool,
        silent: bool = False,
    ) -> None:
        self.options = options
        self.format = options.output_format
        self.dry_run = dry_run
        self.report_path = report_path
        self.quiet = quiet or silent
        self.verbose = verbose and not silent
        self.silent = silent
        self.messages = sys.stderr if (dry_run or from_stdin) else sys.stdout
        self.colour = terminal.use_colour(sys.stdout)

    @property
    def needs_details(self) -> bool:
        """JSON, SARIF and --report need every finding at the end; otherwise keep only counts."""
        return self.format not in STREAMED or self.report_path is not None

    def start(self) -> None:
        _start(self.options, self.verbose)

    def show(self, report: FixReport) -> None:
        """A file's lines (and diff), in path order, once the run has written it."""
        if self.format in STREAMED and not self.silent:
            line = github.change_line if self.format == "github" else text.change_line
            if report.skipped:
                self.messages.write(f"{report.path}: skipped: not applied\n")
            elif report.applied:  # a file refused or not written: its error line says why
                self.messages.write("".join(line(report.path, c) + "\n" for c in report.changes))
                if report.changed_for and report.changed:
                    changed = text.changed_for_line(report.path, report.changed_for)
                    self.messages.write(changed + "\n")
        if self.dry_run and report.changed:
            terminal.write_file_diff(
                report.path, report.old, report.new, sys.stdout, self.colour, report.created
            )

    def show_stdin(self, report: FixReport) -> None:
        """Source read from stdin: its lines, then the fixed source (or the same) on stdout."""
        self.show(report)
        sys.stdout.buffer.write(report.new or report.old)

    def finish(self, run: FixRun) -> None:
        """Raises ReportNotWritten, before printing anything, if --report cannot be written."""
        if self.report_path is not None:
            self._write_report(run)
        if self.silent:
            sys.stderr.write("".join(text.error_line(p, r) + "\n" for p, r in run.all_errors))
            sys.stdout.flush()
            return
        if self.format == "json":
            from codemod.output import json_report  # loads the rewriting side: only for JSON

            self.messages.write(json_report.render_fix(run, self.dry_run, self.options.target))
        elif self.format == "sarif":
            from codemod.output import sarif

            found = [
                (report.path, change.finding, _fix_properties(change, report.applied))
                for report in run.files
                for change in report.changes
            ]
            self.messages.write(sarif.render(found, run.all_errors))
        for path, reason in run.all_errors:
            if self.format == "github":
                self.messages.write(github.error_line(path, reason) + "\n")
            elif self.format == "text":
                sys.stderr.write(text.error_line(path, reason) + "\n")
        if self.format == "text":
            notes = [n for n in run.notes if self.verbose or not n.verbose]
            sys.stderr.write("".join(text.note_line(n.path, n.message) + "\n" for n in notes))
        if self.verbose and self.format == "text":
            sys.stderr.write("".join(text.fix_file_line(f, self.dry_run) + "\n" for f in run.files))
        if not self.quiet and self.format == "text":
            sys.stderr.write(text.fix_summary_line(run, self.dry_run) + "\n")
        sys.stdout.flush()

    def _write_report(self, run: FixRun) -> None:
        from codemod.engine.sources import SourceError, write_atomic

        options = self.options
        if self.report_path.lower().endswith((".md", ".markdown")):  # type: ignore[union-attr]
            from codemod.output import markdown_report

            document = markdown_report.render(run, self.dry_run, options.target)
        else:
            from codemod.output import json_report  # loads the rewriting side: only for JSON

            document = json_report.render_migration_report(
                run, options.strategy, self.dry_run, options.target
            )
        try:
            write_atomic(self.report_path, document.encode("utf-8"))
        except SourceError as error:
            raise ReportNotWritten(f"--report: {error.describe()}") from error


def _start(options: Options, verbose: bool) -> None:
    """--verbose: which Keras the run checks against, and why, before anything else."""
    if verbose:
        sys.stderr.write(text.target_line(options.target) + "\n")


def _fix_properties(change: Change, applied: bool) -> dict:
    """What fix did with a finding, as SARIF result properties (`applied`: the rewrite is in the
    output; false for a file refused, not written or declined; null when there is none)."""
    return {
        "strategy": change.strategy,
        "rewrite": change.summary,
        "reason": change.reason,
        "applied": applied if change.summary is not None else None,
    }
