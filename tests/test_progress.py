"""The progress bar: on a terminal and for many files only."""

from __future__ import annotations

import io

from codemod.output.terminal import ProgressBar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run_bar(stream: io.StringIO, total: int) -> str:
    bar = ProgressBar(stream)
    bar.start(total)
    for _ in range(total):
        bar.advance()
    bar.stop()
    return stream.getvalue()


def test_a_terminal_and_many_files_get_a_bar() -> None:
    assert run_bar(Terminal(), ProgressBar.MIN_FILES) != ""


def test_no_bar_when_piped_or_for_few_files() -> None:
    assert run_bar(io.StringIO(), 1000) == ""
    assert run_bar(Terminal(), ProgressBar.MIN_FILES - 1) == ""
