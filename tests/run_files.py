"""Executing our own fixture files as Keras users run them, for the Keras proofs.

Each file runs as a fresh module with its own imports (which registers its helper classes under
the template's names), so the tests also give other test modules back the Keras registry they
expect once they are done.
"""

from __future__ import annotations

import importlib.util
import itertools
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

_module_numbers = itertools.count()


def execute_file(path: Path, search: Sequence[Path] = ()) -> ModuleType:
    """Execute `path` as a fresh module under a name of its own, exactly as written. Its imports
    find the modules beside it (as `python path` does) and in the folders `search` (the user's
    helpers module, on their path), each imported afresh for this file, as a new process would."""
    stem = re.sub(r"\W", "_", f"{path.parent.name}_{path.stem}")
    spec = importlib.util.spec_from_file_location(f"fixture_{stem}_{next(_module_numbers)}", path)
    module = importlib.util.module_from_spec(spec)
    folders = [str(path.parent), *(str(folder) for folder in search)]  # as `python path`
    sys.path[:0] = folders
    for name in _modules_in(folders):
        del sys.modules[name]
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.path[: len(folders)]
    return module


def _modules_in(folders: list[str]) -> list[str]:
    """The names of the imported modules whose files lie in `folders`, or that a file there
    would be imported as (another case's `text_encoders` must not stand in for this one's)."""
    stems = {path.stem for folder in folders for path in Path(folder).glob("*.py")}
    return [
        name
        for name, module in list(sys.modules.items())
        if str(Path(getattr(module, "__file__", None) or "/").parent) in folders
        or (name in stems and getattr(module, "__file__", None))
    ]


@contextmanager
def keras_registry_restored() -> Iterator[None]:
    """Whatever the files executed inside register, Keras's global registry is as before after."""
    import keras

    registry = keras.saving.get_custom_objects()  # the live global dictionary
    saved = dict(registry)
    try:
        yield
    finally:
        registry.clear()
        registry.update(saved)
