"""Terminal manners: colour only on a terminal (NO_COLOR and FORCE_COLOR honoured), and diffs that
are either the exact plain bytes (piped, so `| git apply` works) or coloured line by line.

Rich is used without markup, highlighting or wrapping, so text that looks like markup ("[red]")
and long lines come out exactly as they are.
"""

from __future__ import annotations

import os
from typing import BinaryIO, TextIO

_STYLES = (
    (b"+++", "bold"),
    (b"---", "bold"),
    (b"diff --git", "bold"),
    (b"new file mode", "bold"),
    (b"@@", "cyan"),
    (b"+", "green"),
    (b"-", "red"),
)


def use_colour(stream: TextIO | BinaryIO) -> bool:
    """https://no-color.org and FORCE_COLOR first, then whether `stream` is a terminal."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def write_file_diff(
    path: str, old: bytes, new: bytes, stream: TextIO, colour: bool, created: bool = False
) -> None:
    """Write the diff that turns one file's `old` bytes into `new` (a new file, when `created`),
    for `git apply` or a person."""
    from codemod.output.diff import unified_diff

    write_diff(unified_diff(old, new, diff_path(path), created=created), stream, colour)


def diff_path(path: str) -> str:
    """Paths in a diff are relative, with forward slashes, as `git apply` wants them: relative to
    the current folder, or, for a file outside it, to the filesystem root (apply it from there)."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute)
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        _, rest = os.path.splitdrive(absolute)
        relative = rest.lstrip(os.sep)
    return relative.replace(os.sep, "/")


def write_diff(patch: bytes, stream: TextIO, colour: bool) -> None:
    """Write a unified diff: exact bytes, or coloured for a person to read."""
    if not colour:
        stream.flush()
        stream.buffer.write(patch)  # type: ignore[attr-defined]
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, force_terminal=True, highlight=False, soft_wrap=True)
    for line in patch.splitlines():
        style = next((style for prefix, style in _STYLES if line.startswith(prefix)), "")
        console.print(Text(line.decode("utf-8", "replace"), style=style))


class ProgressBar:
    """A rich progress bar on stderr for runs over many files; silent off a terminal."""

    MIN_FILES = 200

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._progress = None
        self._task = None

    def start(self, total: int) -> None:
        if total < self.MIN_FILES or not self.stream.isatty():
            return
        from rich.console import Console
        from rich.progress import Progress

        console = Console(file=self.stream, highlight=False)
        self._progress = Progress(console=console, transient=True)
        self._progress.start()
        self._task = self._progress.add_task("files", total=total)

    def advance(self) -> None:
        if self._progress is not None:
            self._progress.advance(self._task)

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
