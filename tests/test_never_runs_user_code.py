"""The tool never imports or runs the code it checks: files whose import would leave a marker
(module level, __init__.py, conftest.py, setup.py) leave none after check, fix --dry-run and fix."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

MODEL = (
    "from keras import Sequential, layers\n\n"
    "model = Sequential([layers.Masking(-1.0), layers.Conv1D(4, 3), layers.LSTM(2)])\n"
)


def leaves_marker(marker: Path, name: str) -> str:
    return f"open({str(marker / name)!r}, 'w').write('ran')\n"


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path]:
    markers = tmp_path / "markers"
    markers.mkdir()
    root = tmp_path / "project"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text(leaves_marker(markers, "init") + MODEL)
    (root / "pkg" / "model.py").write_text(leaves_marker(markers, "module") + MODEL)
    (root / "conftest.py").write_text(leaves_marker(markers, "conftest") + MODEL)
    (root / "setup.py").write_text(leaves_marker(markers, "setup") + MODEL)
    (root / "sitecustomize.py").write_text(leaves_marker(markers, "sitecustomize"))
    return root, markers


@pytest.mark.parametrize(
    "args", [("check",), ("fix", "--dry-run"), ("fix",)], ids=["check", "dry-run", "fix"]
)
def test_no_user_code_runs(project: tuple[Path, Path], args: tuple[str, ...]) -> None:
    root, markers = project
    result = subprocess.run(
        [sys.executable, "-m", "codemod", *args, "--jobs", "2", "."],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    assert "KMC101" in result.stdout or "mask-aware" in result.stdout + result.stderr
    assert list(markers.iterdir()) == []
