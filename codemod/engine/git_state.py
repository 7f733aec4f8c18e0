"""Which files have uncommitted changes in git, so a bulk fix never mixes its edits with the
user's own unsaved work (the user passes --allow-dirty to say that is fine); and which places a
fix may write to without following a symlink out of the work tree (`Places`).

Git is asked once per repository met: `git status --porcelain -z` from the repository root.
Modified, staged, added, renamed, deleted and untracked files all count: none of them has a
committed version to go back to. Outside a work tree, or without git, nothing is dirty.

A file is judged where it is really written: a symlink's target, in the target's own work tree
(which may be another repository). A symlink git reports (say, an untracked link) makes only the
link dirty, never the file it points to.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from codemod.engine.discover import _GIT_LOCATION_VARIABLES, _is_inside

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
        dirty.add(_where(os.path.join(root, os.fsdecode(name))))
        if b"R" in status or b"C" in status:
            position += 1  # a rename or copy is followed by the old name
    return dirty


def _where(path: str) -> str:
    """`path` with its folder's symlinks resolved but not its own name: an entry git reports is
    the entry itself, a symlink included, not the file it points to."""
    return os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))


@dataclass(frozen=True)
class Places:
    """Where a fix may write without following a symlink out: for each path given, the git work
    tree holding it, or, outside any work tree, the path given itself (a folder and what is
    below it, or one file). A file is inside when its real path (`os.path.realpath`, every
    symlink followed) is.

    The folder a given path sits in is found without following symlinks below the current
    folder: for `linked/model.py`, where `linked` is a symlink, the place is the work tree
    holding the current folder, not the one `linked` points into. A path that does not lie
    below the current folder keeps the symlinks of its own folders (an absolute path an editor
    passes, `/tmp/...` on macOS), except a symlink as its last part.
    """

    roots: tuple[str, ...]  # real paths of the work trees and paths given
    name: str  # what they are, for messages: "the work tree", else "the paths given"

    @classmethod
    def of(cls, paths: Iterable[str], name: str = "the paths given") -> Places:
        cwd = os.path.realpath(os.getcwd())
        places = [_place_of(path, cwd) for path in paths]
        if any(tree for _, tree in places):
            name = "the work tree"
        return cls(tuple(root for root, _ in places), name)

    def with_home(self, folder: str, files: Iterable[str]) -> Places:
        """These places and `folder`, the home of the helpers module the `files` (given, or in
        the folders given) import, when every file really lies below it: files given one by one
        outside a work tree share their folder or package, and a symlink on the way from that
        folder to a file leaves it out."""
        real = os.path.realpath(folder)
        inside = os.path.join(real, "")
        if all(os.path.realpath(path).startswith(inside) for path in files):
            return Places((*self.roots, real), self.name)
        return self

    def escaping(self, paths: Iterable[str]) -> Iterator[tuple[str, str]]:
        """(path, real path) for each of `paths` whose real path lies outside the places."""
        folders: dict[str, str] = {}  # each folder resolved once: a tree has few of them
        prefixes = [(root, os.path.join(root, "")) for root in self.roots]
        for path in paths:
            if os.path.islink(path):
                real = os.path.realpath(path)
            else:
                folder, name = os.path.split(os.path.abspath(path))
                if folder not in folders:
                    folders[folder] = os.path.realpath(folder)
                real = os.path.join(folders[folder], name)
            if not any(real == root or real.startswith(inside) for root, inside in prefixes):
                yield path, real


def _place_of(path: str, cwd: str) -> tuple[str, bool]:
    """(the real path of the place `path` may be written in, whether it is a work tree)."""
    given = os.path.normpath(os.path.join(cwd, path))
    if given != cwd and _is_inside(given, cwd):
        folder, parts = cwd, os.path.relpath(given, cwd).split(os.sep)
    else:
        folder, parts = os.path.realpath(os.path.dirname(given)), [os.path.basename(given)]
    while len(parts) > 1 and not os.path.islink(os.path.join(folder, parts[0])):
        folder, parts = os.path.join(folder, parts[0]), parts[1:]
    # `folder` is real; `parts` is the rest of the path, from the first symlink, or its name.
    if len(parts) == 1 and os.path.isdir(given) and not os.path.islink(given):
        folder, parts = os.path.join(folder, parts[0]), []
    tree = _root_of(folder)
    if tree is not None:
        return tree, True
    return os.path.join(folder, *parts), False


def project_roots(paths: Iterable[str]) -> tuple[str, ...]:
    """The folders bounding the project of a run, for the analysis to find the modules files
    import: the work trees holding the paths given, else the folders given (a file's folder)."""
    roots = []
    for root in Places.of(paths).roots:
        roots.append(root if os.path.isdir(root) else os.path.dirname(root))
    return tuple(dict.fromkeys(roots))
