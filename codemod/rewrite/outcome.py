"""What a strategy makes of one finding: a rewrite (edits and a short summary) or a reason why not."""

from __future__ import annotations

from dataclasses import dataclass

from codemod.rewrite.edits import Edit


@dataclass(frozen=True)
class Rewrite:
    edits: tuple[Edit, ...]
    summary: str  # e.g. "Conv1D -> MaskedConv1D"
    why: str = ""  # set when the reason is not the strategy's usual one
    # Edits in other files of the project, by absolute path: the run makes them when it
    # rewrites those files (rewrite/other_files.py).
    elsewhere: tuple[tuple[str, Edit], ...] = ()


@dataclass(frozen=True)
class NotApplicable:
    reason: str
