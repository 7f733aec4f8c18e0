"""`fix --interactive`: show each changed file's diff and ask before writing it."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from codemod.output import terminal

if TYPE_CHECKING:
    from codemod.engine.fix import FixReport


class Prompt:
    """Ask y/n/a/q for each file. A file's rewrites go together, since they depend on each other
    (helper definitions, imports). "a" accepts, and "q" or the end of input declines, every file
    left without asking again."""

    def __init__(self, colour: bool) -> None:
        self.colour = colour
        self.answer_all: bool | None = None  # True after "a", False after "q"

    def __call__(self, report: FixReport) -> bool:
        if self.answer_all is not None:
            return self.answer_all
        terminal.write_file_diff(report.path, report.old, report.new, sys.stdout, self.colour)
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
