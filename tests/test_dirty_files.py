"""In a git work tree, fix refuses files with uncommitted changes unless --allow-dirty."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codemod.cli import app

MODEL = (
    "from keras import Sequential, layers\n\n"
    "model = Sequential([layers.Masking(-1.0), layers.Conv1D(4, 3), layers.Dense(2)])\n"
)


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    git(tmp_path, "init", "-q")
    (tmp_path / "clean.py").write_text(MODEL)
    (tmp_path / "edited.py").write_text(MODEL)
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "models")
    (tmp_path / "edited.py").write_text(MODEL + "# work in progress\n")
    (tmp_path / "new.py").write_text(MODEL)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_dirty_and_untracked_files_are_refused_and_named(repo: Path) -> None:
    result = CliRunner().invoke(app, ["fix", "."])
    assert result.exit_code == 2
    for name in ("edited.py", "new.py"):
        assert (
            f"{name}: error: has uncommitted changes; commit or stash them first, or pass --allow-dirty"
            in result.stderr
        )
    assert (repo / "edited.py").read_text() == MODEL + "# work in progress\n"
    assert (repo / "new.py").read_text() == MODEL
    assert "Lambda(" in (repo / "clean.py").read_text()


def test_allow_dirty_fixes_them(repo: Path) -> None:
    result = CliRunner().invoke(app, ["fix", "--allow-dirty", "."])
    assert result.exit_code == 0, result.output
    assert all(
        "Lambda(" in (repo / name).read_text() for name in ("clean.py", "edited.py", "new.py")
    )


def test_dry_run_shows_dirty_files_too(repo: Path) -> None:
    result = CliRunner().invoke(app, ["fix", "--dry-run", "."])
    assert result.exit_code == 1
    assert "diff --git a/edited.py b/edited.py" in result.stdout


def test_a_refused_file_is_never_reported_as_rewritten(repo: Path) -> None:
    """Only clean.py is written: the lines on stdout, the text summary, JSON and SARIF all say one
    rewrite in one file, and the refused files' rewrites are reported as not applied."""
    text = CliRunner().invoke(app, ["fix", "."])
    assert [line.split(":", 1)[0] for line in text.stdout.splitlines()] == ["clean.py"]
    assert "Rewrote 1 finding in 1 file (lambda 1)" in text.stderr
    git(repo, "checkout", "clean.py")

    document = json.loads(CliRunner().invoke(app, ["fix", ".", "--format", "json"]).stdout)
    summary = document["summary"]
    assert (summary["files_changed"], summary["rewrites"], summary["not_applied"]) == (1, 1, 2)
    assert summary["by_strategy"] == {"lambda": 1}
    applied = {change["path"]: change["applied"] for change in document["changes"]}
    assert applied == {"clean.py": True, "edited.py": False, "new.py": False}
    git(repo, "checkout", "clean.py")

    sarif = json.loads(CliRunner().invoke(app, ["fix", ".", "--format", "sarif"]).stdout)
    results = sarif["runs"][0]["results"]
    assert sorted(
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["properties"]["applied"],
        )
        for r in results
    ) == [("clean.py", True), ("edited.py", False), ("new.py", False)]
