"""`--helpers-module pkg.mod`: the helper layers live in one module of the user's project.

The module holds every public helper (one fixed text), so files fixed at different times never
need it to change. It is created when missing, left alone when it already holds exactly that
text, and never overwritten when it holds anything else.

Its name must not shadow a module the project imports from elsewhere (`shadowing`): once
`os.py` or `numpy/` sits in the project, every `import os` or `import numpy` there would find
our file instead.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
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


def ensure_helpers_module(
    module: str,
    root: Path | None = None,
    refuse: Callable[[str], str | None] | None = None,
) -> Path:
    """Write the helpers module unless it already holds exactly its text. Before anything is
    written, `refuse(path)` may say why the file must not be (a symlink out of the work tree,
    uncommitted changes in git): HelpersModuleError with that reason."""
    path = helpers_module_path(module, root)
    text = helpers_module_text()
    if path.exists():
        try:
            if path.read_text("utf-8") == text:
                return path
        except (OSError, UnicodeDecodeError):
            pass
        raise HelpersModuleError(
            str(path),
            "exists with other content; not overwritten (choose another --helpers-module)",
        )
    reason = refuse(str(path)) if refuse is not None else None
    if reason is not None:
        raise HelpersModuleError(str(path), reason)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text.encode("utf-8"))
    except (OSError, SourceError) as error:
        raise HelpersModuleError(str(path), f"cannot write the helpers module: {error}") from None
    return path
