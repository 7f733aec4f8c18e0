"""`fix --interactive`: show each changed file's rewrites and diff, and ask before writing it."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from codemod.output import terminal, text

if TYPE_CHECKING:
    from codemod.engine.fix import FixReport

END_OF_INPUT = "keras-mask-codemod: end of input: the files not answered for are left unchanged\n"


class Prompt:
    """Ask y/n/a/q for each file. A file's rewrites go together, since they depend on each other
    (helper definitions, imports). Each question comes after the file's rewrites (strategy and
    reason, one line each) and its diff, through `pager` when they are taller than the terminal
    (`height` lines). "a" accepts, and "q" or the end of input declines, every file left without
    asking again; the end of input says so on stderr."""

    def __init__(
        self, colour: bool, pager: Sequence[str] | None = None, height: int | None = None
    ) -> None:
        self.colour = colour
        self.pager = pager
        self.height = height
        self.answer_all: bool | None = None  # True after "a", False after "q"

    def __call__(self, report: FixReport) -> bool:
        if self.answer_all is not None:
            return self.answer_all
        self._show(report)
        while True:
            sys.stdout.write(f"Apply these changes to {report.path}? [y]es [n]o [a]ll [q]uit: ")
            sys.stdout.flush()
            reply = sys.stdin.readline()
            if not reply:
                sys.stdout.write("\n")
                sys.stderr.write(END_OF_INPUT)
                self.answer_all = False
                return False
            answer = reply.strip().lower()[:1]
            if answer in ("y", "n"):
                return answer == "y"
            if answer in ("a", "q"):
                self.answer_all = answer == "a"
                return self.answer_all

    def _show(self, report: FixReport) -> None:
        shown = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="replace", newline="")
        shown.write("".join(text.change_line(report.path, c) + "\n" for c in report.changes))
        if report.changed_for:
            shown.write(text.changed_for_line(report.path, report.changed_for) + "\n")
        terminal.write_file_diff(report.path, report.old, report.new, shown, self.colour)
        shown.flush()
        page = shown.buffer.getvalue()  # type: ignore[attr-defined]
        if self.pager and self.height and page.count(b"\n") >= self.height - 1:
            sys.stdout.flush()
            try:
                subprocess.run(self.pager, input=page, check=False)
                return
            except OSError:
                pass  # no such pager after all: print it
        sys.stdout.flush()
        sys.stdout.buffer.write(page)
        sys.stdout.flush()
