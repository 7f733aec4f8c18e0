"""The README's commands are the ones CI and users run."""

from __future__ import annotations

import re
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
    assert install_and_run.endswith("keras-mask-codemod check examples/")
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["check", "examples/"])
    shown = re.search(r"```\n(examples/.+?)\n```", README, re.DOTALL).group(1)
    assert shown == (result.stdout + result.stderr).rstrip("\n")


def test_every_rule_code_is_documented() -> None:
    from codemod.analysis.findings import Code

    for code in Code:
        assert f"| {code.value} |" in README
