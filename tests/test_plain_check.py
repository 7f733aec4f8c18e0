"""A plain `check` (paths and on/off flags) is read without typer, for a fast start: it must read
exactly what typer reads, and leave every other command line to typer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from codemod import cli, commands
from codemod.cli import SharedOptions, plain_check

PLAIN = [
    ["check"],
    ["check", "."],
    ["check", "src", "model.py"],
    ["check", "-q", "src"],
    ["check", "src", "--quiet", "--verbose"],
    ["check", "--silent", "a.py", "-s"],
    ["check", "-v", "--force-exclude", "b.ipynb"],
]
NOT_PLAIN = [
    [],
    ["fix", "."],
    ["check", "-"],
    ["check", "--", "-odd.py"],
    ["check", "-qv", "."],
    ["check", "--format", "json", "."],
    ["check", "--format=json", "."],
    ["check", "--jobs", "2"],
    ["check", "-h"],
    ["check", "--help"],
    ["check", "--quiet=1"],
    ["--version"],
]


def typer_reads(args: list[str], monkeypatch: pytest.MonkeyPatch) -> SharedOptions:
    seen: list[SharedOptions] = []
    monkeypatch.setattr(commands, "run_check", seen.append)
    commands.app(args, standalone_mode=False)
    (shared,) = seen
    return shared


@pytest.mark.parametrize("args", PLAIN, ids=" ".join)
def test_a_plain_check_is_read_as_typer_reads_it(
    args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert plain_check(args) == typer_reads(args, monkeypatch)


@pytest.mark.parametrize("args", NOT_PLAIN, ids=lambda args: " ".join(args) or "nothing")
def test_any_other_command_line_is_left_to_typer(args: list[str]) -> None:
    assert plain_check(args) is None


def test_shell_completion_is_left_to_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_KERAS_MASK_CODEMOD_COMPLETE", "complete_bash")
    assert plain_check(["check", "."]) is None


def test_a_plain_check_imports_no_typer(tmp_path: Path) -> None:
    (tmp_path / "clean.py").write_text("x = 1\n")
    code = (
        f"import sys; sys.argv = ['keras-mask-codemod', 'check', '-q', {str(tmp_path)!r}]\n"
        "from codemod import cli\n"
        "try:\n    cli._run(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print('typer' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr
    assert cli.plain_check(["check", str(tmp_path)]) is not None
