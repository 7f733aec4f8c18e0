"""The README's commands are the ones CI and users run."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codemod.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def shell_commands() -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", README)


def test_ci_runs_the_readme_test_command() -> None:
    test_command = next(c for c in shell_commands() if "pytest" in c)
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test_command in ci


def test_readme_example_output_is_what_check_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    install_and_run = next(c for c in shell_commands() if "examples/" in c)
    assert install_and_run.startswith("python -m venv .venv && . .venv/bin/activate")
    assert install_and_run.endswith("keras-mask-codemod check examples/")
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["check", "examples/"])
    shown = re.search(r"```\n(examples/.+?)\n```", README, re.DOTALL).group(1)
    assert shown == (result.stdout + result.stderr).rstrip("\n")


def test_the_first_screen_ends_with_a_fixed_file(tmp_path: Path, monkeypatch) -> None:
    """The README's fix command, run on a copy of the examples, prints what the README shows."""
    command = next(c for c in shell_commands() if c.startswith("keras-mask-codemod fix examples/"))
    target = command.split()[2]
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["fix", target])
    assert result.exit_code == 0, result.output
    shown = re.findall(r"```\n(examples/[\w/.]+:\d+: .+?)\n```", README, re.DOTALL)
    assert shown == [(result.stdout + result.stderr).rstrip("\n")]
    assert (tmp_path / target).read_text() != (ROOT / target).read_text()


def test_every_rule_code_is_documented() -> None:
    from codemod.analysis.findings import Code

    for code in Code:
        assert f"| {code.value} |" in README


def test_safety_section_cites_tests_that_exist() -> None:
    """Each guarantee in "Safety" names the tests behind it; a renamed test must not leave the
    README citing nothing."""
    section = README.split("## Safety", 1)[1].split("\n## ", 1)[0]
    files = re.findall(r"`(tests/test_\w+\.py)`", section)
    names = re.findall(r"`(test_\w+)`", section)
    assert len(files) >= 8 and len(names) >= 8
    for file in files:
        assert (ROOT / file).is_file(), file
    every_test = "\n".join(path.read_text() for path in (ROOT / "tests").glob("test_*.py"))
    for name in names:
        assert f"def {name}(" in every_test, name


def test_ci_also_proves_the_oldest_supported_pair() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert "-c constraints/oldest-supported.txt" in ci
    assert "for backend in tensorflow jax" in ci
    assert (ROOT / "constraints" / "oldest-supported.txt").is_file()
