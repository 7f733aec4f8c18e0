"""Help that survives a first try: -h works everywhere, the usage says several paths are taken,
each command's help speaks of what it does, the command list is not cut short, and the README's
synopsis of each command names every option the command has."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
import typer.main
from typer.testing import CliRunner

from codemod.cli import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
COMMANDS = typer.main.get_command(app).commands  # type: ignore[attr-defined]


def run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("command", [[], ["check"], ["fix"], ["explain"]], ids=str)
def test_dash_h_is_help(command: list[str]) -> None:
    assert run(*command, "-h") == run(*command, "--help")
    assert "-h, --help" in run(*command, "-h")


@pytest.mark.parametrize("command", ["check", "fix"])
def test_the_usage_says_several_paths_are_taken(command: str) -> None:
    assert f"{command} [OPTIONS] [PATH...]" in run(command, "-h")


def test_each_command_says_what_its_paths_are_for() -> None:
    assert "Files and folders to check" in run("check", "-h")
    assert "Files and folders to fix" in run("fix", "-h")


def test_the_command_list_is_not_cut_short() -> None:
    listing = run("-h").split("Commands:", 1)[1]
    lines = [line.strip() for line in listing.strip().splitlines()]
    assert [line.split()[0] for line in lines] == ["check", "fix", "server", "explain"]
    assert not any(line.endswith("...") for line in lines), lines


def synopsis(command: str) -> str:
    """The README's usage block of `command`, joined into one line."""
    block = re.search(rf"```\n(keras-mask-codemod {command} .*?)```", README, re.DOTALL)
    assert block is not None, f"no synopsis of {command} in the README"
    return " ".join(block.group(1).split())


@pytest.mark.parametrize("command", ["check", "fix"])
def test_the_readme_synopsis_names_every_option(command: str) -> None:
    shown = synopsis(command)
    for parameter in COMMANDS[command].params:
        if isinstance(parameter, click.Option):
            assert any(
                re.search(rf"\[{re.escape(o)}\b", shown) or f"|{o}]" in shown
                for o in parameter.opts
            ), (parameter.opts, shown)
    assert "[-h]" in shown


def test_silent_prints_nothing_but_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """-q keeps the lines (like ruff -q), -s drops them too: the exit status says."""
    monkeypatch.chdir(tmp_path)
    model = "from keras import layers, Sequential\nm = Sequential([layers.Masking(), layers.Conv1D(2, 3)])\n"
    Path("model.py").write_text(model)
    quiet = CliRunner().invoke(app, ["check", "-q", "model.py"])
    assert quiet.exit_code == 1 and "KMC101" in quiet.stdout and quiet.stderr == ""
    silent = CliRunner().invoke(app, ["check", "-s", "model.py"])
    assert (silent.exit_code, silent.stdout, silent.stderr) == (1, "", "")
    Path("broken.py").write_text("Masking(\n")
    broken = CliRunner().invoke(app, ["check", "-s", "broken.py", "model.py"])
    assert broken.exit_code == 2 and broken.stdout == ""
    assert broken.stderr.startswith("broken.py: error: cannot parse")
    fixed = CliRunner().invoke(app, ["fix", "-s", "model.py"])
    assert (fixed.exit_code, fixed.stdout, fixed.stderr) == (0, "", "")
    assert Path("model.py").read_text() != model  # rewritten, without a word
