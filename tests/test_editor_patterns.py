"""The editor configurations in the README parse real `check` output (absolute paths included)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codemod.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
MODEL = "from keras import Sequential, layers\nm = Sequential([layers.Masking(), layers.Conv1D(4, 3)])\n"


@pytest.fixture
def check_lines(tmp_path: Path) -> tuple[Path, list[str]]:
    path = tmp_path / "my models" / "net.py"  # a space in the path, as editors often have
    path.parent.mkdir()
    path.write_text(MODEL)
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    return path, result.stdout.splitlines()


def vscode_regexp() -> str:
    block = re.search(r"```json\n(\{\n  \"version\": \"2.0.0\".+?)\n```", README, re.DOTALL)
    tasks = json.loads(block.group(1))["tasks"]
    return tasks[0]["problemMatcher"]["pattern"]["regexp"]


def pycharm_regexp() -> str:
    line = next(line for line in README.splitlines() if line.startswith("- Output filters:"))
    template = re.search(r"`(.+)`", line).group(1)
    assert template == "$FILE_PATH$:$LINE$:$COLUMN$"
    macros = {
        "$FILE_PATH$": "(?P<file>.+?)",
        "$LINE$": r"(?P<line>\d+)",
        "$COLUMN$": r"(?P<col>\d+)",
    }
    pattern = re.escape(template)
    for macro, group in macros.items():
        pattern = pattern.replace(re.escape(macro), group)
    return pattern


def test_vscode_problem_matcher(check_lines: tuple[Path, list[str]]) -> None:
    path, lines = check_lines
    (line,) = lines
    match = re.match(vscode_regexp(), line)
    assert match is not None
    assert match.groups()[:4] == (str(path), "2", "35", "KMC101")
    assert match.group(5).startswith("Conv1D does not support masking")


def test_pycharm_output_filter(check_lines: tuple[Path, list[str]]) -> None:
    path, lines = check_lines
    (line,) = lines
    match = re.match(pycharm_regexp(), line)
    assert match is not None
    assert (match["file"], match["line"], match["col"]) == (str(path), "2", "35")
    assert Path(match["file"]).is_absolute()
