"""The code fix writes passes the user's formatter and linter wherever their code did.

For every golden case, each of black, `ruff format` and `ruff check --select I,E,F,W` (ruff's
import sorting, pycodestyle and pyflakes) runs on the input and on every fixed output, at
black's default line length. A fixed output must pass every check its input passed: a project
that runs black or ruff in CI stays green after the migration. The helpers module lies beside
them, as in the user's project (ruff sorts its import as first-party), and passes every check.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.golden import HELPERS_MODULE, cases

LINE_LENGTH = "88"
RUFF = [sys.executable, "-m", "ruff"]
BLACK = [sys.executable, "-m", "black", "--line-length", LINE_LENGTH]
RUFF_FORMAT = [*RUFF, "format", "--isolated", "--line-length", LINE_LENGTH]
RUFF_CHECK = [*RUFF, "check", "--isolated", "--select", "I,E,F,W", "--line-length", LINE_LENGTH]
CHECKS = ("black", "ruff format", "ruff check")


def _outputs(case: Path) -> list[Path]:
    return sorted(case.glob("fix.*.py"))


def _failing(check: str, folder: Path) -> set[str]:
    """The names of the files in `folder` that `check` rejects (each tool runs once)."""
    if check == "black":
        result = _run([*BLACK, "--check", "."], folder)
        return {line.split()[-1].rsplit("/", 1)[-1] for line in result.stderr.splitlines()
                if line.startswith("would reformat ")}  # fmt: skip
    if check == "ruff format":  # "Would reformat: X", or "--> X:line:col" from ruff 0.15 on
        result = _run([*RUFF_FORMAT, "--check", "."], folder)
        pattern = r"^(?:Would reformat: |\s*--> )(?:\./)?([^/\n:]+\.py)"
        return set(re.findall(pattern, result.stdout, re.MULTILINE))
    result = _run([*RUFF_CHECK, "--output-format", "concise", "."], folder)
    return {
        found[1]
        for found in re.finditer(r"^(?:\./)?([^/\n]+\.py):\d+:\d+: ", result.stdout, re.MULTILINE)
    }


def _run(command: list[str], folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """For each check, the golden files it rejects, named `<case>__<file>`."""
    folder = tmp_path_factory.mktemp("golden_formatting")
    copies = [Path(shutil.copy(HELPERS_MODULE, folder))]
    for case in cases():
        for path in [case / "input.py", *_outputs(case)]:
            copy = folder / f"{case.name}__{path.name}"
            shutil.copyfile(path, copy)
            copies.append(copy)
    assert copies
    return {check: _failing(check, folder) for check in CHECKS}


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_the_helpers_module_passes(check: str, results) -> None:
    assert HELPERS_MODULE.name not in results[check]


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_fixed_files_pass_what_their_input_passed(check: str, results) -> None:
    failing = results[check]
    broken = [
        f"{case.name}/{output.name}"
        for case in cases()
        if f"{case.name}__input.py" not in failing
        for output in _outputs(case)
        if f"{case.name}__{output.name}" in failing
    ]
    checked = sum(
        len(_outputs(case)) for case in cases() if f"{case.name}__input.py" not in failing
    )
    assert checked > 0
    assert broken == []
