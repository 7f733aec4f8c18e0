"""`fix .` on every golden case with modules of its own: the run fixes them all, and a rewrite may
change a module the input calls (mask-aware swaps the layers of a block in blocks.py).

golden/<case>/fix-all.<strategy>.txt holds what `fix . --strategy <strategy>` prints in a folder
holding the case's input.py and modules; golden/<case>/fix-all.<strategy>/ holds every one of
those files as fix leaves them, when fix changes one of the modules (tests/golden.py). The
Keras proofs (tests/test_golden_fix_keras.py) run that folder's input.py with its modules.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codemod.cli import app
from tests.golden import (
    STRATEGIES,
    WHOLE,
    cases,
    compare,
    compare_absent,
    fix_outputs,
    place_input,
    project_modules,
)

PROJECTS = [case for case in cases() if case.name.startswith("p") and project_modules(case)]
PAIRS = [(case, strategy) for case in PROJECTS for strategy in STRATEGIES]


def run_in(folder: Path, *args: str):
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        return CliRunner().invoke(app, list(args))
    finally:
        os.chdir(cwd)


def project_files(case: Path) -> list[str]:
    return ["input.py", *(module.name for module in project_modules(case))]


def test_there_are_cases_whose_fix_changes_another_module() -> None:
    assert len(PROJECTS) >= 6
    changing = [
        (case.name, strategy)
        for case, strategy in PAIRS
        if fix_outputs(case, strategy + WHOLE)[1].exists()
    ]
    assert len(changing) >= 3, changing


@pytest.mark.parametrize(("case", "strategy"), PAIRS, ids=[f"{c.name}-{s}" for c, s in PAIRS])
def test_fix_on_the_whole_project(
    case: Path, strategy: str, tmp_path: Path, update_golden: bool
) -> None:
    place_input(case, tmp_path)
    result = run_in(tmp_path, "fix", ".", "--strategy", strategy, "-q")
    assert result.exit_code in (0, 1), result.output
    lines_path, fixed_input = fix_outputs(case, strategy + WHOLE)
    compare(lines_path, result.stdout.encode(), update_golden)
    folder = fixed_input.parent
    names = project_files(case)
    modules_changed = any(
        (tmp_path / name).read_bytes() != (case / name).read_bytes() for name in names[1:]
    )
    if not modules_changed:
        if update_golden and folder.exists():
            shutil.rmtree(folder)
        compare_absent(fixed_input, update_golden)
        return
    folder.mkdir(exist_ok=True)
    for name in names:
        compare(folder / name, (tmp_path / name).read_bytes(), update_golden)

    again = run_in(tmp_path, "fix", ".", "--strategy", strategy, "-q")
    assert again.exit_code == 0 and again.stdout == "", again.output
    for name in names:
        assert (tmp_path / name).read_bytes() == (folder / name).read_bytes(), name


CHANGING = [
    (case, strategy) for case, strategy in PAIRS if fix_outputs(case, strategy + WHOLE)[1].exists()
]


@pytest.mark.parametrize(("case", "strategy"), CHANGING, ids=[f"{c.name}-{s}" for c, s in CHANGING])
def test_the_dry_run_diff_of_the_project_applies_with_git(
    case: Path, strategy: str, tmp_path: Path
) -> None:
    """One diff for every file the run changes; `git apply` leaves exactly what fix writes."""
    place_input(case, tmp_path)
    dry = run_in(tmp_path, "fix", ".", "--strategy", strategy, "--dry-run", "-q")
    assert dry.exit_code == 1, dry.output
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "apply"], cwd=tmp_path, input=dry.stdout.encode(), check=True)
    folder = fix_outputs(case, strategy + WHOLE)[1].parent
    for name in project_files(case):
        assert (tmp_path / name).read_bytes() == (folder / name).read_bytes(), name
