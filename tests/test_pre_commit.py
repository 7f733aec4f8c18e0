"""The pre-commit hooks in .pre-commit-hooks.yaml, tried for real with `pre-commit try-repo`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.golden import GOLDEN

ROOT = GOLDEN.parent
MODEL = (GOLDEN / "p18_functional_chain" / "input.py").read_text()

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def try_hook(repo: Path, home: Path, hook: str, *files: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--files", *files],
        cwd=repo,
        env={**os.environ, "PRE_COMMIT_HOME": str(home)},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "model.py").write_text(MODEL)
    (tmp_path / "clean.py").write_text("x = 1\n")
    subprocess.run(["git", "add", "."], cwd=tmp_path, check=True)
    return tmp_path


def test_check_hook_fails_on_a_destroyed_mask(repo: Path, pre_commit_home: Path) -> None:
    result = try_hook(repo, pre_commit_home, "keras-mask-codemod-check", "model.py", "clean.py")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "model.py:12:9: KMC101 Conv1D does not support masking" in result.stdout
    passing = try_hook(repo, pre_commit_home, "keras-mask-codemod-check", "clean.py")
    assert passing.returncode == 0, passing.stdout + passing.stderr


def test_fix_hook_rewrites_staged_files(repo: Path, pre_commit_home: Path) -> None:
    result = try_hook(repo, pre_commit_home, "keras-mask-codemod-fix", "model.py")
    assert result.returncode == 1  # pre-commit fails a hook that modified files
    assert "files were modified by this hook" in result.stdout
    assert 'x = MaskedConv1D(8, 3, padding="same")(x)' in (repo / "model.py").read_text()


def test_the_readme_hook_runs_as_written(repo: Path, pre_commit_home: Path) -> None:
    """The README's `repo: local` block, copied as it is, fails on the model and passes once the
    fix hook's entry has rewritten it."""
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## pre-commit\n.*?```yaml\n(.+?)```", readme, re.DOTALL)
    assert block is not None
    (repo / ".pre-commit-config.yaml").write_text(block.group(1))
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(pre_commit_home),
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    }
    run = [sys.executable, "-m", "pre_commit", "run", "--all-files"]
    failing = subprocess.run(run, cwd=repo, env=env, capture_output=True, text=True, check=False)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "model.py:12:9: KMC101" in failing.stdout
    fix = [sys.executable, "-m", "codemod", "fix", "--allow-dirty", "model.py"]
    subprocess.run(fix, cwd=repo, check=True, capture_output=True)
    passing = subprocess.run(run, cwd=repo, env=env, capture_output=True, text=True, check=False)
    assert passing.returncode == 0, passing.stdout + passing.stderr
