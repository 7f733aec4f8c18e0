"""A notebook's code cells joined into one Python program (the *virtual source*), and split back.

A notebook is checked and fixed through its code cells only. Because a model built in one cell is
often compiled or trained in a later one, the code cells are joined, in order, into one virtual
source: a single Python program that the analysis reads like any file. IPython-only lines (magics,
shell escapes, help lines) are swapped for placeholder lines of plain Python so the rest parses
(ipython_lines.py); reading and writing the .ipynb file itself is notebook_json.py's job.

Numbering: cells are numbered as in notebook_json.py (1-based among ALL cells); lines are 1-based
too, both in the virtual source and within a cell.

Layout of the virtual source, and how boundaries survive a rewrite: every code cell contributes its
own lines (a final newline is added when the cell has none, and an empty cell counts as one blank
line), followed by one footer line of its own::

    <lines of cell 2>
    # keras-mask-codemod: end of cell 2
    <lines of cell 5>
    # keras-mask-codemod: end of cell 5

Footers and placeholders carry the same marker word; if a cell's text happens to contain it, a
suffixed one is used.

Contract of `split_virtual`: a rewrite may insert, delete and change lines anywhere inside a cell's
region (lines added above the first line of the program belong to the first cell). It must leave
every footer line and every placeholder line exactly as it was, in the same order and the same
cell; the lines of one continued IPython command must stay adjacent; a `%%time`-style line must stay
the first non-blank line of its cell; a non-Python cell (`%%bash`, ...) must not change at all.
Anything else raises SourceError, so a rewrite never silently lands in the wrong cell.
This module must stay cheap to import: no libcst here.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from codemod.engine.ipython_lines import (
    Placeholder,
    placeholder_pattern,
    restore_ipython_lines,
    virtualise_cell,
)
from codemod.engine.notebook_json import Notebook
from codemod.engine.sources import SourceError, split_lines

MARKER_WORD = "keras-mask-codemod"


@dataclass(frozen=True)
class _CellRegion:
    """Where one code cell sits in the virtual source and how to map it back."""

    cell_index: int
    first_line: int
    last_line: int
    footer: str
    original_text: str
    virtual_text: str  # the cell's lines as written in the virtual source, footer excluded
    python: bool  # False for a `%%bash`-style cell, which is kept out of the analysis
    added_newline: bool
    placeholders: tuple[Placeholder, ...]


@dataclass(frozen=True)
class VirtualSource:
    """The code cells as one Python program, with the map back to cells (see the module doc)."""

    path: str
    text: str
    marker: str
    regions: tuple[_CellRegion, ...]

    def locate(self, line: int) -> tuple[int, int]:
        """(cell_index, line_in_cell) of a virtual line, both 1-based.

        A footer line maps to the last line of the cell it closes, and lines past the end (where
        parsers report "unexpected end of file") to the last line of the last cell.
        """
        if not self.regions:
            raise ValueError("the notebook has no code cells")
        if line < 1:
            raise ValueError(f"line numbers start at 1, got {line}")
        footers = [region.last_line + 1 for region in self.regions]
        region = self.regions[min(bisect.bisect_left(footers, line), len(self.regions) - 1)]
        return region.cell_index, min(line, region.last_line) - region.first_line + 1

    def start_of_cell(self, cell_index: int | None) -> str | None:
        """The footer line just before a code cell (None for the first code cell, or no cell)."""
        for previous, region in zip(self.regions, self.regions[1:]):
            if region.cell_index == cell_index:
                return previous.footer
        return None

    def cell_span(self, cell_index: int) -> tuple[int, int]:
        """(first_line, last_line) of a code cell in the virtual source; never empty."""
        region = self._region(cell_index)
        return region.first_line, region.last_line

    @property
    def non_python_cells(self) -> tuple[int, ...]:
        """Code cells run by a non-Python cell magic (`%%bash`, `%%html`, ...): all placeholders."""
        return tuple(region.cell_index for region in self.regions if not region.python)

    def _region(self, cell_index: int) -> _CellRegion:
        for region in self.regions:
            if region.cell_index == cell_index:
                return region
        raise ValueError(f"cell {cell_index} is not a code cell")


def virtual_source(nb: Notebook) -> VirtualSource:
    """Join the code cells into one Python program; IPython lines become placeholders."""
    code_cells = nb.code_cells
    marker = _pick_marker(text for _, text in code_cells)
    numbers = itertools.count(1)  # placeholder and group numbers, unique in the virtual source
    regions: list[_CellRegion] = []
    pieces: list[str] = []
    next_line = 1
    for cell_index, text in code_cells:
        lines, placeholders, python = virtualise_cell(text, marker, numbers)
        footer = f"# {marker}: end of cell {cell_index}"
        virtual_text = "".join(lines)
        regions.append(
            _CellRegion(
                cell_index=cell_index,
                first_line=next_line,
                last_line=next_line + len(lines) - 1,
                footer=footer,
                original_text=text,
                virtual_text=virtual_text,
                python=python,
                added_newline=not text.endswith(("\n", "\r")),
                placeholders=tuple(placeholders),
            )
        )
        pieces.append(virtual_text)
        pieces.append(footer + "\n")
        next_line += len(lines) + 1
    return VirtualSource(path=nb.path, text="".join(pieces), marker=marker, regions=tuple(regions))


def split_virtual(vs: VirtualSource, new_text: str) -> dict[int, str]:
    """Each code cell's text after a rewrite of the virtual source, IPython lines restored.

    Returns every code cell (changed or not). Raises SourceError when the rewrite broke the
    contract described in the module doc.
    """
    footer_re = re.compile(rf"# {re.escape(vs.marker)}: end of cell (\d+)")
    chunks: list[list[str]] = []
    current: list[str] = []
    for line in split_lines(new_text):
        found = footer_re.fullmatch(line.rstrip("\r\n"))
        if found is None:
            current.append(line)
            continue
        if len(chunks) == len(vs.regions):
            raise SourceError(
                f"the rewrite repeated the end-of-cell line of cell {found.group(1)}", vs.path
            )
        expected = vs.regions[len(chunks)]
        if int(found.group(1)) != expected.cell_index:
            raise SourceError(
                f"the rewrite moved or removed the end of cell {expected.cell_index}", vs.path
            )
        chunks.append(current)
        current = []
    if len(chunks) < len(vs.regions):
        missing = vs.regions[len(chunks)].cell_index
        raise SourceError(f"the rewrite moved or removed the end of cell {missing}", vs.path)
    if any(line.strip() for line in current):
        raise SourceError("the rewrite added code after the last cell", vs.path)

    owner = {p.number: r.cell_index for r in vs.regions for p in r.placeholders}
    marker_re = placeholder_pattern(vs.marker)
    try:
        return {
            region.cell_index: _restore_cell(region, chunk, marker_re, owner)
            for region, chunk in zip(vs.regions, chunks)
        }
    except SourceError as error:  # the cell-level checks do not know the path
        raise SourceError(error.reason, vs.path) from None


def _restore_cell(
    region: _CellRegion, chunk: list[str], marker_re: re.Pattern[str], owner: dict[int, int]
) -> str:
    cell = region.cell_index
    if not region.python:
        if "".join(chunk) != region.virtual_text:
            raise SourceError(f"the rewrite changed cell {cell}, which is not Python")
        return region.original_text

    text = restore_ipython_lines(cell, region.placeholders, chunk, marker_re, owner)
    if region.added_newline:  # the cell had no final newline; the one we added goes again
        for ending in ("\r\n", "\n", "\r"):
            if text.endswith(ending):
                text = text[: -len(ending)]
                break
    return text


def _pick_marker(texts: Iterator[str]) -> str:
    """The marker word, suffixed if a cell already contains it (so markers can never collide)."""
    joined = "\n".join(texts)
    marker, suffix = MARKER_WORD, 1
    while marker in joined:
        suffix += 1
        marker = f"{MARKER_WORD}-{suffix}"
    return marker
