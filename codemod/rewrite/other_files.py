"""The project's other files a rewrite of one file may change too: those the same run fixes.

A mask made in one file can be destroyed in a module it calls (`conv_block(x)` in encoders.py).
mask-aware then swaps the layers there, which is only right when the run fixes that module as
well and may write it: the user gave it, and no guard refuses it. Anything else gets a reason.
Changing a shared module is safe for mask-aware alone: a Masked* layer given no mask computes
exactly what the Keras layer does, so the module's other callers see no change.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class OtherFiles:
    """`files`: the files this run fixes, as found; `refused`: real path -> why one of them
    cannot be written (uncommitted changes, outside the work tree); `alone`: why no other file
    can be changed at all (standard input), or "" when files can be."""

    files: tuple[str, ...] = ()
    refused: Mapping[str, str] = field(default_factory=dict)
    alone: str = ""

    @functools.cached_property
    def fixed(self) -> frozenset[str]:
        """The real paths of `files`, made when a rewrite first asks about another file: most
        runs never do, and resolving every path of a tree costs a tenth of checking it."""
        return frozenset(map(os.path.realpath, self.files))

    def why_not(self, path: str) -> str | None:
        """Why the rewrite cannot change `path` (absolute), or None when it can."""
        name = os.path.relpath(path)
        if self.alone:
            return self.alone
        real = os.path.realpath(path)
        if real in self.refused:
            return f"{name} {self.refused[real]}"
        if real not in self.fixed:
            return f"{name} is not among the files this run fixes; give it to fix as well"
        return None


# One file on its own, as a language server or a library call fixes it.
ONE_FILE = OtherFiles(alone="fix changes other files only when it fixes them too")
STDIN = OtherFiles(alone="fix on standard input changes nothing but that text")
