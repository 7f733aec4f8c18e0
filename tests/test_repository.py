"""A repository-shaped run: nested packages, an ignored folder, a notebook, a dirty file, a symlink
out of the tree, a CRLF file and a latin-1 file, through check, fix --dry-run, fix, and fix again."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codemod.cli import app

SEQUENTIAL = (
    "from keras import Sequential, layers\n\n"
    "model = Sequential([layers.Masking(-1.0), layers.Conv1D(4, 3), layers.LSTM(2)])\n"
)
EMBEDDING = (
    "from keras import Sequential, layers\n\n"
    "model = Sequential([layers.Embedding(50, 8, mask_zero=True), layers.Conv1D(4, 3)])\n"
)
LATIN1 = (
    "# -*- coding: latin-1 -*-\n# Modèle de séquence\nfrom keras import Sequential, layers\n\n"
    "model = Sequential([layers.Masking(), layers.Conv1D(4, 3), layers.Dense(1)])\n"
)
NOTEBOOK = {
    "cells": [
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
         "source": ["import keras\n", "from keras import layers\n", "x = layers.Masking()(keras.Input((8, 2)))"]},
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
         "source": ["%time y = 1\n", "x = layers.Conv1D(4, 3)(x)"]},
    ],
    "metadata": {"language_info": {"name": "python"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}  # fmt: skip


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=root, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    files = {
        "src/app/__init__.py": "",
        "src/app/models/sequence.py": SEQUENTIAL,
        "src/app/models/text.py": EMBEDDING,
        "src/app/models/dirty.py": SEQUENTIAL,
        "src/app/legacy/latin.py": LATIN1,
        "build/generated.py": SEQUENTIAL,
        "notebooks/explore.ipynb": json.dumps(NOTEBOOK, indent=1) + "\n",
        ".gitignore": "build/\n",
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        encoding = "latin-1" if name.endswith("latin.py") else "utf-8"
        path.write_bytes(text.encode(encoding))
    (root / "src/app/models/windows.py").write_bytes(SEQUENTIAL.replace("\n", "\r\n").encode())
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "model.py").write_text(SEQUENTIAL)
    os.symlink(outside, root / "src" / "linked")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "models")
    (root / "src/app/models/dirty.py").write_text(SEQUENTIAL + "# unsaved work\n")
    monkeypatch.chdir(root)
    return root


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def test_the_whole_migration(repo: Path) -> None:
    checked = invoke("check", ".")
    assert checked.exit_code == 1
    assert [line.split(": ", 1)[0] for line in checked.stdout.splitlines()] == [
        "notebooks/explore.ipynb:cell 2:2:5",
        "src/app/legacy/latin.py:5:39",
        "src/app/models/dirty.py:3:43",
        "src/app/models/sequence.py:3:43",
        "src/app/models/text.py:3:62",
        "src/app/models/windows.py:3:43",
    ]  # build/ is ignored by git, src/linked leads out of the tree
    before = {
        path: path.read_bytes()
        for path in repo.rglob("*")
        if path.is_file() and ".git" not in path.parts
    }

    dry = invoke("fix", "--dry-run", ".")
    assert dry.exit_code == 1
    assert {path: path.read_bytes() for path in before} == before
    assert (
        dry.stdout.count("diff --git ") == 7
    )  # six files and src/app/models/keras_mask_helpers.py, created

    fixed = invoke("fix", ".")
    assert fixed.exit_code == 2  # the dirty file is refused, by name
    assert fixed.stderr.startswith(
        "src/app/models/dirty.py: error: has uncommitted changes; commit or stash them first"
    )
    changed = sorted(
        str(path.relative_to(repo)) for path in before if path.read_bytes() != before[path]
    )
    assert changed == [
        "notebooks/explore.ipynb",
        "src/app/legacy/latin.py",
        "src/app/models/sequence.py",
        "src/app/models/text.py",
        "src/app/models/windows.py",
    ]
    windows = (repo / "src/app/models/windows.py").read_bytes()
    assert windows.count(b"\r\n") == windows.count(b"\n")  # still CRLF throughout
    latin = (repo / "src/app/legacy/latin.py").read_bytes()
    assert "# Modèle de séquence".encode("latin-1") in latin and b"Masking" not in latin
    notebook = json.loads((repo / "notebooks/explore.ipynb").read_text())
    assert "".join(notebook["cells"][1]["source"]).startswith("%time y = 1\n")
    assert (repo / "build/generated.py").read_text() == SEQUENTIAL
    assert (repo.parent / "outside/model.py").read_text() == SEQUENTIAL

    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "migrated")
    again = invoke("fix", ".")  # committed now: the once-dirty file is fixed too
    assert again.exit_code == 0, again.output
    assert again.stdout.startswith("src/app/models/dirty.py:3: mask-aware: ")
    assert invoke("check", ".").exit_code == 0
    git(repo, "commit", "-q", "-am", "dirty one too")
    last = invoke("fix", ".")
    assert last.exit_code == 0 and last.stdout == ""
    assert git(repo, "status", "--porcelain") == ""
