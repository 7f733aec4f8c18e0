"""Pause Python's cyclic garbage collector while one file is parsed and analysed.

Parsing builds hundreds of thousands of small objects in a burst, and each burst sets off
collections that walk the whole young heap again and again, though a syntax tree holds no
cycles to free: on a 450 kB file that is more than half of `ast.parse`'s time.

When the file is done, what it left alive (its report, the project modules kept for the run) is
frozen: moved out of the collector's sight before collection resumes. Left in sight, it was
walked again after every file, a tenth of a run over a project that imports its own modules.
The interpreter breaks the cycles it makes (Interpreter.release) and the rest is freed by
reference counting, frozen or not, so memory stays bounded over a whole tree.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()
