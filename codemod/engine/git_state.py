"""Which files have uncommitted changes in git, so a bulk fix never mixes its edits with the
user's own unsaved work (the user passes --allow-dirty to say that is fine).

Git is asked once per repository met: `git status --porcelain -z` from the repository root.
Modified, staged, added, renamed and untracked files all count: none of them has a committed
version to go back to. Outside a work tree, or without git, nothing is dirty.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable

from codemod.engine.discover import _GIT_LOCATION_VARIABLES

_TIMEOUT_SECONDS = 60


def dirty_files(paths: Iterable[str]) -> frozenset[str]:
    """The real paths, among `paths`, that git reports as changed or untracked."""
    git = shutil.which("git")
    if git is None:
        return frozenset()
    wanted = {os.path.realpath(path) for path in paths}
    roots: dict[str, str | None] = {}
    dirty: set[str] = set()
    for path in sorted(wanted):
        folder = os.path.dirname(path)
        if folder not in roots:
            roots[folder] = _root_of(folder)
    for root in {root for root in roots.values() if root is not None}:
        dirty |= _status(git, root)
    return frozenset(dirty & wanted)


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in _GIT_LOCATION_VARIABLES}


def _root_of(folder: str) -> str | None:
    """The nearest folder at or above `folder` holding a `.git` (a folder, or a file for
    worktrees and submodules); found by looking, so no process is started per folder."""
    current = folder
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _status(git: str, root: str) -> set[str]:
    try:
        completed = subprocess.run(
            [git, "status", "--porcelain=v1", "-z", "--untracked-files=all"],
            cwd=root,
            env=_environment(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return set()
    if completed.returncode != 0:
        return set()
    dirty = set()
    entries = completed.stdout.split(b"\0")
    position = 0
    while position < len(entries):
        entry = entries[position]
        position += 1
        if len(entry) < 4:
            continue
        status, name = entry[:2], entry[3:]
        dirty.add(os.path.realpath(os.path.join(root, os.fsdecode(name))))
        if b"R" in status or b"C" in status:
            position += 1  # a rename or copy is followed by the old name
    return dirty
