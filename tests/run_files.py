"""Executing our own fixture files as Keras users run them, for the Keras proofs.

Each file runs as a fresh module with its own imports (which registers its helper classes under
the template's names), so the tests also give other test modules back the Keras registry they
expect once they are done.
"""

from __future__ import annotations

import importlib.util
import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

_module_numbers = itertools.count()


def execute_file(path: Path) -> ModuleType:
    """Execute `path` as a fresh module under a name of its own, exactly as written."""
    stem = re.sub(r"\W", "_", f"{path.parent.name}_{path.stem}")
    spec = importlib.util.spec_from_file_location(f"fixture_{stem}_{next(_module_numbers)}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
