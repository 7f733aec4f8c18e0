"""Pause Python's cyclic garbage collector while one file is parsed and analysed.

Parsing builds hundreds of thousands of small objects in a burst, and each burst sets off
collections that walk the whole young heap again and again, though a syntax tree holds no
cycles to free: on a 450 kB file that is more than half of `ast.parse`'s time.

When the file is done, what it left alive (its report, the project modules kept for the run) is
frozen: moved out of the collector's sight before collection resumes. Left in sight, it was
walked again after every file, a tenth of a run over a project that imports its own modules.
The interpreter breaks the cycles it makes (Interpreter.release) and the rest is freed by
reference counting, frozen or not, so memory stays bounded over a whole tree. A process that
lives on between files (the language server) must not freeze: what it keeps meanwhile, cycles
included, would never be collected again. It calls `never_freeze()` when it starts.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_freeze = True


def never_freeze() -> None:
    """For a long-running process: collection resumes after each file, nothing is frozen."""
    global _freeze
    _freeze = False
    gc.unfreeze()


@contextmanager
def gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if _freeze:
                gc.freeze()
            gc.enable()
