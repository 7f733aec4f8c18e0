"""Find the files a `check` or `fix` run should look at.

This module only looks at names and file types: it never reads file contents and never imports
user code. It does not import libcst either, so the command line starts fast.

Rules, chosen to match what ruff and black users expect:

* A path given explicitly is always used, whatever its extension (pre-commit passes file names),
  unless ``force_exclude`` is set and an exclude pattern matches it. An explicitly given folder
  is walked even when git ignores it, or its name is in ``DEFAULT_EXCLUDES``.
* Folders are walked recursively for files ending in one of ``extensions``. Folders whose name is
  in ``DEFAULT_EXCLUDES`` are left out anywhere in a walk.
* Exclude patterns (``--exclude GLOB``, repeatable) use ``fnmatch`` semantics: ``*`` also matches
  ``/``, and matching is case-sensitive except on case-insensitive platforms. A walked file or
  folder is excluded when a pattern matches any of: its path relative to the folder walked (``/``
  separators, e.g. ``tests/unit/a.py``), its path as shown to the user (e.g. ``src/tests/unit/a.py``
  for a run on ``src``), or its own name; since excluded folders are not entered, the name check
  applies to every path component. A trailing ``/`` or leading ``./`` on a pattern is ignored, so
  ``legacy/`` means ``legacy``. With ``force_exclude``, explicit paths are matched the same way,
  relative to the current directory (only their name when they lie outside it), and
  ``DEFAULT_EXCLUDES`` applies to their folder components.
* Inside a git work tree, paths git ignores are left out: .gitignore files at every level,
  .git/info/exclude and the global excludes file. Git answers once per repository met, with
  ``git ls-files --others --ignored --exclude-standard --directory``, so files git tracks are
  always kept even when an ignore pattern matches them, as git itself does. A nested repository or
  submodule inside the walk is entered and follows its own ignore rules, not the outer ones, again
  as git does; an outer repository that ignores it keeps it out. When git is not installed, fails,
  or the folder is not in a work tree, the walk runs without ignore rules.
* Directory symlinks are never followed during a walk. A file symlink found in a walk is kept only
  when its target is a regular file inside the folder walked, so a fix never writes outside the
  folder the user named; a broken symlink or symlink loop found in a walk is left out silently.
  Given explicitly, any symlink is followed, and a broken one or a loop becomes an error entry
  (``fix`` then refuses to write a file whose symlinks lead out of the work tree and the paths
  given, unless ``--follow-symlinks``: see engine/fix.py).
* A file reached several ways (symlinks, overlapping arguments) is listed once, under its own path
  rather than a symlink's when both are found, otherwise under the first way found.
* Paths come back as the user gave them: relative to the current directory for relative
  arguments, absolute for absolute arguments (IDEs need absolute paths back).
"""

from __future__ import annotations

import errno
import fnmatch
import os
import shutil
import stat
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_EXCLUDES: frozenset[str] = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "build",
        "dist",
        "site-packages",
        "__pycache__",
        "node_modules",
        ".ipynb_checkpoints",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
    }
)

# Variables that would point every git call at one repository, whatever folder it runs in.
# Git sets some of them while running hooks; without them git finds the repository from its cwd.
_GIT_LOCATION_VARIABLES = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_PREFIX",
    "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
)
_GIT_TIMEOUT_SECONDS = 60


@dataclass
class Discovery:
    """What a run should look at, and what went wrong while finding it."""

    files: list[Path] = field(default_factory=list)
    """Files to process: sorted, each file once, paths as the user would write them."""
    errors: list[tuple[str, str]] = field(default_factory=list)
    """(path as the user gave or would recognise it, one-line reason), in the order met."""
    skipped: int = 0
    """Folders and candidate files left out by exclude patterns or git ignore rules (folders
    named in DEFAULT_EXCLUDES are not counted: nearly every project has some)."""


def discover(
    paths: Sequence[str],
    *,
    exclude: Sequence[str] = (),
    force_exclude: bool = False,
    extensions: Sequence[str] = (".py", ".ipynb"),
) -> Discovery:
    """Return the files under ``paths`` (default ``.``) that a run should process.

    See the module docstring for the exact rules. Problems with one path (missing, broken symlink,
    unreadable folder) become error entries and the other paths are still discovered.
    """
    search = _Search(exclude=exclude, force_exclude=force_exclude, extensions=extensions)
    for path in paths or (".",):
        search.add_argument(path)
    return search.result()


@dataclass
class _Found:
    display: Path
    key: str  # resolved path, to list each file once
    via_symlink: bool
    order: int


@dataclass(frozen=True)
class _GitIgnores:
    """Paths one repository ignores, relative to the folder git ran in (``prefix`` in the walk)."""

    prefix: str
    ignored: frozenset[str]

    def ignores(self, relative: str) -> bool:
        local = relative[len(self.prefix) + 1 :] if self.prefix else relative
        return local in self.ignored


class _Search:
    """Collects the files, errors and skip count of one `discover` call."""

    def __init__(
        self, *, exclude: Sequence[str], force_exclude: bool, extensions: Sequence[str]
    ) -> None:
        self.patterns = tuple(_normalise_pattern(p) for p in exclude if _normalise_pattern(p))
        self.force_exclude = force_exclude
        self.extensions = tuple(e if e.startswith(".") else f".{e}" for e in extensions if e)
        self.git = shutil.which("git")
        self.found: list[_Found] = []
        self.errors: list[tuple[str, str]] = []
        self.skipped_keys: set[str] = set()
        self.walked_roots: set[str] = set()

    # -- explicit arguments -------------------------------------------------------------------

    def add_argument(self, path: str) -> None:
        try:
            mode = os.stat(path).st_mode
        except OSError as error:
            self._error(path, _describe_stat_error(path, error))
            return
        is_folder = stat.S_ISDIR(mode)
        if not is_folder and not stat.S_ISREG(mode):
            self._error(path, "not a regular file or folder")
            return
        if self.force_exclude and self._explicit_is_excluded(path, is_folder=is_folder):
            self.skipped_keys.add(os.path.realpath(path))
            return
        if is_folder:
            self._walk(path)
        else:
            self._keep(Path(path), os.path.realpath(path), via_symlink=os.path.islink(path))

    def _explicit_is_excluded(self, path: str, *, is_folder: bool) -> bool:
        relative = _relative_to_cwd(path)
        if relative is None:
            names = [os.path.basename(os.path.abspath(path))]
            whole = Path(os.path.abspath(path)).as_posix()
        else:
            names = [name for name in Path(relative).parts if name != os.curdir]
            whole = Path(relative).as_posix()
        folder_names = names if is_folder else names[:-1]
        if any(name in DEFAULT_EXCLUDES for name in folder_names):
            return True
        return self._matches(whole, Path(path).as_posix(), names)

    # -- walking a folder ---------------------------------------------------------------------

    def _walk(self, root: str) -> None:
        root_real = os.path.realpath(root)
        if root_real in self.walked_roots:
            return
        self.walked_roots.add(root_real)
        root_display = Path(root)
        root_ignores = self._git_ignores(root, prefix="")
        # Depth-first, names sorted, so errors come out in a stable order.
        pending: list[tuple[str, _GitIgnores | None]] = [("", root_ignores)]
        while pending:
            relative, ignores = pending.pop()
            folder = os.path.join(root, relative) if relative else root
            try:
                with os.scandir(folder) as scan:
                    entries = sorted(scan, key=lambda entry: entry.name)
            except OSError as error:
                self._error(str(root_display / relative), _describe_stat_error(folder, error))
                continue
            if relative and any(entry.name == ".git" for entry in entries):
                ignores = self._git_ignores(folder, prefix=relative)
            subfolders: list[str] = []
            for entry in entries:
                child = f"{relative}/{entry.name}" if relative else entry.name
                if entry.is_symlink():
                    self._consider_symlink(entry, child, root, root_real, ignores)
                elif entry.is_dir(follow_symlinks=False):
                    if entry.name in DEFAULT_EXCLUDES:
                        continue
                    if self._walk_excludes(root, child, entry.name, ignores):
                        self.skipped_keys.add(os.path.join(root_real, child))
                        continue
                    subfolders.append(child)
                elif entry.is_file(follow_symlinks=False) and entry.name.endswith(self.extensions):
                    if self._walk_excludes(root, child, entry.name, ignores):
                        self.skipped_keys.add(os.path.join(root_real, child))
                        continue
                    self._keep(root_display / child, os.path.join(root_real, child), False)
            pending.extend((sub, ignores) for sub in reversed(subfolders))

    def _consider_symlink(
        self,
        entry: os.DirEntry[str],
        child: str,
        root: str,
        root_real: str,
        ignores: _GitIgnores | None,
    ) -> None:
        """Keep a symlink met in a walk only if it names a regular file inside the walked root."""
        if not entry.name.endswith(self.extensions):
            return
        if self._walk_excludes(root, child, entry.name, ignores):
            self.skipped_keys.add(os.path.join(root_real, child))
            return
        try:
            mode = os.stat(entry.path).st_mode
        except OSError:
            return  # broken link or loop: nothing to process
        target = os.path.realpath(entry.path)
        if stat.S_ISREG(mode) and _is_inside(target, root_real):
            self._keep(Path(root) / child, target, via_symlink=True)

    def _walk_excludes(
        self, root: str, relative: str, name: str, ignores: _GitIgnores | None
    ) -> bool:
        if ignores is not None and ignores.ignores(relative):
            return True
        if not self.patterns:
            return False
        return self._matches(relative, (Path(root) / relative).as_posix(), [name])

    def _matches(self, relative: str, shown: str, names: Iterable[str]) -> bool:
        candidates = [relative, shown, *names]
        return any(
            fnmatch.fnmatch(candidate, pattern)
            for pattern in self.patterns
            for candidate in candidates
        )

    # -- git ----------------------------------------------------------------------------------

    def _git_ignores(self, folder: str, *, prefix: str) -> _GitIgnores | None:
        """Ask git, once for this repository, which paths under ``folder`` it ignores."""
        if self.git is None:
            return None
        command = [
            self.git,
            "ls-files",
            "--others",
            "--ignored",
            "--exclude-standard",
            "--directory",
            "-z",
        ]
        environment = {
            name: value for name, value in os.environ.items() if name not in _GIT_LOCATION_VARIABLES
        }
        try:
            completed = subprocess.run(
                command,
                cwd=folder,
                env=environment,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=_GIT_TIMEOUT_SECONDS,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        if completed.returncode != 0:
            return None  # not a work tree, or git cannot tell: walk without ignore rules
        ignored = frozenset(
            os.fsdecode(raw).rstrip("/") for raw in completed.stdout.split(b"\0") if raw
        )
        if os.curdir in ignored:
            # Git ignores the folder itself, so it cannot say what inside matters; the user
            # named this folder (or a repository inside an ignored one), so walk all of it.
            return None
        return _GitIgnores(prefix=prefix, ignored=ignored)

    # -- results ------------------------------------------------------------------------------

    def _keep(self, display: Path, key: str, via_symlink: bool) -> None:
        self.found.append(_Found(display, key, via_symlink, order=len(self.found)))

    def _error(self, path: str, reason: str) -> None:
        if (path, reason) not in self.errors:
            self.errors.append((path, reason))

    def result(self) -> Discovery:
        best: dict[str, _Found] = {}
        for found in self.found:
            current = best.get(found.key)
            if current is None or (found.via_symlink, found.order) < (
                current.via_symlink,
                current.order,
            ):
                best[found.key] = found
        files = sorted({found.display for found in best.values()}, key=lambda path: path.parts)
        return Discovery(files=files, errors=list(self.errors), skipped=len(self.skipped_keys))


def _normalise_pattern(pattern: str) -> str:
    pattern = pattern.strip()
    while pattern.startswith("./"):
        pattern = pattern[2:]
    return pattern.rstrip("/")


def _relative_to_cwd(path: str) -> str | None:
    """``path`` relative to the current directory, or None when it lies outside it."""
    try:
        relative = os.path.relpath(os.path.abspath(path), os.getcwd())
    except ValueError:  # another drive on Windows
        return None
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return None
    return relative


def _is_inside(path: str, folder: str) -> bool:
    try:
        return os.path.commonpath([path, folder]) == folder
    except ValueError:
        return False


def _describe_stat_error(path: str, error: OSError) -> str:
    """One line a user understands, for a path that could not be looked at."""
    if error.errno == errno.ELOOP:
        return "symbolic link loop"
    if error.errno in (errno.ENOENT, errno.ENOTDIR):
        return "broken symbolic link" if os.path.islink(path) else "no such file or directory"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return (error.strerror or str(error)).lower()
