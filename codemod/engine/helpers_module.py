"""The helper layers in one module of the user's project: `--helpers-module pkg.mod` (or
pyproject's `helpers-module`) names it; without one, `fix` finds a home for it when several files
need helpers (`HomeFinder`).

The module holds every public helper (one fixed text), so files fixed at different times never
need it to change. It is created when missing, left alone when it already holds exactly that
text, and never overwritten when it holds anything else: another version's helpers, helpers
edited by hand, or a file of the user's (`is_ours` tells the last apart, for the message).

Its name must not shadow a module the project imports from elsewhere (`shadowing`): once
`os.py` or `numpy/` sits in the project, every `import os` or `import numpy` there would find
our file instead.

The default home (`HomeFinder`), for the files that need the Keras 3 helpers:
* loose scripts that all sit in one folder that is not a package get `keras_mask_helpers.py`
  beside them, imported as `from keras_mask_helpers import ...` (a script run from anywhere
  finds the modules of its own folder);
* files that all sit in one package (folders with `__init__.py`) get it in the innermost package
  they share, imported by its absolute dotted name (`myproj.models.keras_mask_helpers`), found by
  walking up the `__init__.py` folders;
* anything else (unrelated folders, packages and loose scripts mixed, a folder name that is no
  Python name) has no home: the helpers are pasted into each file.
"""

from __future__ import annotations

import keyword
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from codemod.engine.sources import SourceError, write_atomic

KERAS_IMPORTS = frozenset({"keras", "tensorflow", "tf_keras", "jax", "numpy", "torch"})
"""Top-level names Keras code imports (itself, its backends, numpy): never a helpers module,
installed or not; the environment running the codemod is often not the project's."""

CHOOSE_ANOTHER = "choose another name (e.g. myproject.mask_layers)"


class HelpersModuleError(Exception):
    def __init__(self, path: str, reason: str) -> None:
        super().__init__(reason)
        self.path, self.reason = path, reason


def _base(module: str, root: Path | None) -> Path:
    """The folder the module's top-level name goes in: the current folder (or `root`), or its
    src/ for a src layout (src/<top> exists and <top> does not)."""
    root = root or Path()
    top = module.split(".")[0]
    if not (root / top).exists() and (root / "src" / top).is_dir():
        return root / "src"
    return root


def helpers_module_path(module: str, root: Path | None = None) -> Path:
    """Where `pkg.mod` lives below the current folder (or below src/, for a src layout)."""
    *packages, name = module.split(".")
    return _base(module, root).joinpath(*packages, name + ".py")


def shadowing(
    module: str,
    root: Path | None = None,
    installed: Callable[[], Mapping[str, Sequence[str]]] | None = None,
) -> str | None:
    """Why `module` must not be the helpers module ("shadows ...; choose another name ..."), or
    None when it may be. Only names are looked at: no user code is imported or read.

    With `top` its first dotted part, the module is refused when:

    1. `top` is a standard library module (`sys.stdlib_module_names`), a module built into the
       interpreter (`sys.builtin_module_names`), or one of `KERAS_IMPORTS` (keras, tensorflow,
       tf_keras, jax, numpy, torch), installed or not; whether or not the module is dotted, and
       even when a folder of that name exists (a project must not put its own code there);
    2. else, `top` is the top-level module of a distribution installed where the codemod runs
       (`importlib.metadata.packages_distributions()`), and writing the module would create that
       top-level name in the project: the module is not dotted (`top.py` itself would be
       written), or it is dotted and the folder `top/` does not exist yet where the module goes
       (the current folder, or its src/). A dotted module inside a package folder the project
       already has (`myproject.mask_layers`, with `myproject/` there) is allowed: that package
       is the project's own, and is often installed editable, so its name is found among the
       installed distributions too; adding a module to it shadows nothing that is not already
       shadowed.

    Anything else is allowed (a fresh name, or a module inside an existing package). The
    installed distributions are read only in case 2 (tens of milliseconds), so a run without a
    helpers module never pays for them; `installed` replaces that lookup (for tests).
    """
    top = module.split(".")[0]
    if top in sys.stdlib_module_names or top in sys.builtin_module_names:
        return f"shadows the standard library module {top}; {CHOOSE_ANOTHER}"
    if top in KERAS_IMPORTS:
        return f"shadows the module {top}, which Keras code imports; {CHOOSE_ANOTHER}"
    dotted = "." in module
    if dotted and (_base(module, root) / top).is_dir():
        return None
    distributions = (installed or _installed_top_level)().get(top)
    if not distributions:
        return None
    owners = ", ".join(sorted(set(distributions)))
    if dotted:
        return (
            f"would create a top-level package {top}, shadowing the module {top} of the "
            f"installed distribution {owners}; {CHOOSE_ANOTHER}"
        )
    return f"shadows the module {top} of the installed distribution {owners}; {CHOOSE_ANOTHER}"


def _installed_top_level() -> Mapping[str, Sequence[str]]:
    from importlib.metadata import packages_distributions

    return packages_distributions()


def helpers_module_text() -> str:
    from codemod.rewrite.helper_source import HELPER_NAMES, helper_source

    public = sorted(name for name in HELPER_NAMES if not name.startswith("_"))
    return (
        '"""Mask-aware Keras layers written by keras-mask-codemod (--helpers-module).\n\n'
        "Saved .keras models that use them need this module imported before loading.\n"
        '"""\n\nimport keras\n\n\n' + helper_source(public)
    )


_OUR_DOCSTRING = '"""Mask-aware Keras layers written by keras-mask-codemod'
"""How every helpers module we write starts, whatever the version that wrote it."""

NOT_OURS = "exists with other content; not overwritten"
OTHER_TEXT = "holds other helpers (edited, or not the whole set); not overwritten"


def is_ours(text: str) -> bool:
    """Whether a module's text was written by keras-mask-codemod, by any version: it starts with
    our docstring (`helpers_module_text`), or with the header of a block of pasted helpers."""
    from codemod.rewrite.helper_source import HELPER_HEADER

    text = text.lstrip("\ufeff")
    return text.startswith((_OUR_DOCSTRING, HELPER_HEADER))


@dataclass(frozen=True)
class ModuleFile:
    """The helpers module as it is (`old`, None when there is no such file) and as we write it."""

    path: str
    old: bytes | None
    new: bytes

    @property
    def needed(self) -> bool:
        """Whether it must be written: it is missing, or an older version's (upgraded)."""
        return self.old != self.new


def read_helpers_module(path: str | os.PathLike[str]) -> ModuleFile:
    """What writing the helpers module at `path` would do; HelpersModuleError when a file with
    another text is there (NOT_OURS, or OTHER_TEXT when it is ours), or cannot be read."""
    name = os.fspath(path)
    new = helpers_module_text().encode("utf-8")
    try:
        with open(name, "rb") as handle:
            old = handle.read()
    except FileNotFoundError:
        return ModuleFile(name, None, new)
    except OSError as error:
        raise HelpersModuleError(name, f"cannot read it: {error.strerror or error}") from None
    if old != new:
        try:
            ours = is_ours(old.decode("utf-8"))
        except UnicodeDecodeError:
            ours = False
        if ours and _upgrades_to(old, new):
            return ModuleFile(name, old, new)  # an older version's, unedited: replaced (KMC401)
        raise HelpersModuleError(name, OTHER_TEXT if ours else NOT_OURS)
    return ModuleFile(name, old, new)


def _upgrades_to(old: bytes, new: bytes) -> bool:
    """Whether fix would turn the module `old` into `new`: it is this module as an older version
    wrote it, its helpers unedited (rewrite/upgrade.py replaces them)."""
    from codemod.analysis import AnalysisError
    from codemod.rewrite.pipeline import FixError, fix_text

    try:
        return fix_text(old.decode("utf-8")).text.encode("utf-8") == new
    except (AnalysisError, FixError, UnicodeDecodeError, RecursionError):
        return False


def write_helpers_module(
    module: ModuleFile, refuse: Callable[[str], str | None] | None = None
) -> None:
    """Write the module when it is missing (`ModuleFile.needed`). Before anything is written,
    `refuse(path)` may say why the file must not be (a symlink out of the work tree, uncommitted
    changes in git): HelpersModuleError with that reason."""
    if not module.needed:
        return
    reason = refuse(module.path) if refuse is not None else None
    if reason is not None:
        raise HelpersModuleError(module.path, reason)
    try:
        Path(module.path).parent.mkdir(parents=True, exist_ok=True)
        write_atomic(module.path, module.new)
    except SourceError as error:
        raise HelpersModuleError(
            module.path, f"cannot write the helpers module: {error.reason}"
        ) from None
    except OSError as error:
        raise HelpersModuleError(module.path, f"cannot write the helpers module: {error}") from None


# The default home --------------------------------------------------------------------------------

DEFAULT_NAME = "keras_mask_helpers"
"""The module's name in its default home: `keras_mask_helpers.py`."""


@dataclass(frozen=True)
class Home:
    """Where the helpers of several files live: the module's file, written like the files' own
    paths (relative to the current folder when they are), its dotted name as the files import it,
    and the folder its top-level name is found in (for `shadowing`)."""

    path: str
    module: str
    root: str


class HomeFinder:
    """The one home of the helpers of the files `add`ed, one at a time, in path order (see the
    module's docstring for the rule). Adding files only ever moves the home up, or rules it out:
    once `add` says False there is none, whatever follows, so a caller may stop holding the files
    back (and paste) at once."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.possible = True
        self._folder = ""  # loose scripts: their folder; packages: the innermost shared package
        self._package = False
        self._chains: dict[str, tuple[str, ...]] = {}

    def add(self, path: str) -> bool:
        """One more file needing the helpers; False when the files can have no one home."""
        if not self.possible:
            return False
        folder = os.path.dirname(os.path.abspath(path))
        chain = self._chain(folder)
        if not self.paths:
            self._folder, self._package = folder, bool(chain)
        elif not self._package:
            self.possible = not chain and folder == self._folder
        else:
            shared = set(chain)
            common = next((d for d in self._chain(self._folder) if d in shared), None)
            self.possible = common is not None
            self._folder = common or ""
        if self.possible:
            self.paths.append(path)
        return self.possible

    def home(self, alone: bool = False) -> Home | None:
        """The home of two files or more (with `alone`, of one too), None for fewer or when they
        have none."""
        if not self.possible or len(self.paths) < (1 if alone else 2):
            return None
        file = os.path.join(self._folder, DEFAULT_NAME + ".py")
        if not os.path.isabs(self.paths[0]):
            file = os.path.relpath(file)
        if not self._package:
            return Home(file, DEFAULT_NAME, self._folder)
        packages = self._chain(self._folder)  # innermost first
        parts = [os.path.basename(folder) for folder in reversed(packages)]
        if not all(part.isidentifier() and not keyword.iskeyword(part) for part in parts):
            return None  # `my-models/__init__.py`: no name to import it by
        return Home(file, ".".join([*parts, DEFAULT_NAME]), os.path.dirname(packages[-1]))

    def _chain(self, folder: str) -> tuple[str, ...]:
        """The packages holding `folder`: itself when it has an `__init__.py`, then each folder
        above while it has one; empty for a folder that is no package."""
        if folder not in self._chains:
            chain = []
            current = folder
            while os.path.isfile(os.path.join(current, "__init__.py")):
                chain.append(current)
                parent = os.path.dirname(current)
                if parent == current:
                    break
                current = parent
            self._chains[folder] = tuple(chain)
        return self._chains[folder]
