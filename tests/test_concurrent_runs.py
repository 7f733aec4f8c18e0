"""Two `fix` runs over the same tree at once (two terminals, an IDE and a script) leave every file
wholly old or wholly new, never a mix or a stray temporary file; a rerun finishes the job."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from codemod.engine.sources import TEMP_PREFIX
from codemod.rewrite.pipeline import fix_text
from tests.golden import GOLDEN

SOURCE = (GOLDEN / "p18_functional_chain" / "input.py").read_text()
FILES = 150


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for number in range(FILES):
        package = tmp_path / f"pkg{number // 25}"
        package.mkdir(exist_ok=True)
        (package / f"m{number:04d}.py").write_text(SOURCE)
    return tmp_path


def start_fix(tree: Path, strategy: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "codemod", "fix", "-q", "--strategy", strategy, str(tree)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.parametrize(
    "strategies", [("auto", "auto"), ("lambda", "remove")], ids=["same", "different"]
)
def test_two_fix_runs_at_once_leave_whole_files(tree: Path, strategies: tuple[str, str]) -> None:
    allowed = {SOURCE} | {fix_text(SOURCE, strategy).text for strategy in strategies}
    runs = [start_fix(tree, strategy) for strategy in strategies]
    for run in runs:
        _, stderr = run.communicate(timeout=120)
        assert b"Traceback" not in stderr
        assert run.returncode in (0, 2), stderr  # 2: a file changed under it, said in one line
    for path in tree.rglob("*.py"):
        assert path.read_text() in allowed, f"{path} is neither wholly old nor wholly new"
    assert not [p for p in tree.rglob("*") if p.name.startswith(TEMP_PREFIX)]

    rerun = subprocess.run(
        [sys.executable, "-m", "codemod", "fix", "-q", str(tree)], capture_output=True, check=False
    )
    assert rerun.returncode == 0, rerun.stderr
    assert all(path.read_text() != SOURCE for path in tree.rglob("*.py")), "rerun left work"
