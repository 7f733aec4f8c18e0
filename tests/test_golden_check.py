"""`check` on every golden case: the exact expected output (golden/<case>/check.txt) and exit status.

A case's args.txt (see test_golden_fix.py), when present, gives check its options too.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codemod.cli import app
from tests.golden import cases, compare
from tests.test_golden_fix import case_args

CASES = cases()


def run_check(case: Path, *args: str):
    runner = CliRunner()
    cwd = os.getcwd()
    os.chdir(case)
    try:
        return runner.invoke(app, ["check", "input.py", *args])
    finally:
        os.chdir(cwd)


def test_enough_cases() -> None:
    positive = [c for c in CASES if c.name.startswith("p")]
    negative = [c for c in CASES if c.name.startswith("n")]
    assert len(positive) >= 30 and len(negative) >= 12


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_check_output(case: Path, update_golden: bool) -> None:
    result = run_check(case, *case_args(case))
    compare(case / "check.txt", result.stdout.encode(), update_golden)
    if case.name.startswith("n"):
        assert result.stdout == "" and result.exit_code == 0, "a negative case must report nothing"
    else:
        assert result.stdout and result.exit_code == 1, "a positive case must report a finding"
