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

Helpers a rewrite pastes into a cell are moved by fix into a code cell of their own, just before
it: `helpers_cell` finds the block and says what that cell holds.
This module must stay cheap to import: no libcst here.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from codemod.analysis import split_lines
from codemod.engine.ipython_lines import (
    Placeholder,
    placeholder_pattern,
    restore_ipython_lines,
    virtualise_cell,
)
from codemod.engine.notebook_json import Notebook
from codemod.engine.sources import SourceError

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


# --------------------------------------------------------------------------------------------------
# The helpers' own cell


@dataclass(frozen=True)
class HelpersCell:
    """A block of helpers a rewrite pasted into a cell, to go into a code cell of its own just
    before that cell: `text` is the new cell's source (with the imports its definitions need to
    be made, when no earlier cell binds them), its last line without a newline."""

    before: int  # the cell that holds the block after the rewrite
    text: str


def helpers_cell(vs: VirtualSource, new_text: str) -> HelpersCell | None:
    """The block of helper definitions a rewrite of the virtual source pasted into one cell (it
    starts with one of our header comments, which that cell did not hold), as the text of a cell
    of its own; None when there is none, or when it cannot stand alone.

    Helpers pasted at the start of a cell after the cell's own imports need the names their
    decorators and base classes read (`keras`, or the Keras 2 module the file binds) bound
    before that cell: when no earlier cell binds one, the import that binds it before the block
    is copied into the new cell.
    """
    import ast

    from codemod.rewrite.helper_source import (
        HELPER_HEADER,
        HELPER_NAMES,
        KERAS_2_HELPER_HEADER,
        KERAS_2_HELPER_NAMES,
    )

    headers = (HELPER_HEADER, KERAS_2_HELPER_HEADER)
    lines = split_lines(new_text)
    footer_re = re.compile(rf"# {re.escape(vs.marker)}: end of cell (\d+)")
    chunk = 0  # the cell region a line of `new_text` is in (the footers are kept in order)
    found: tuple[_CellRegion, int] | None = None  # the cell, and the header's line
    for number, line in enumerate(lines, 1):
        bare = line.rstrip("\r\n")
        if footer_re.fullmatch(bare):
            chunk += 1
            continue
        if bare not in headers:
            continue
        if chunk >= len(vs.regions):
            return None
        region = vs.regions[chunk]
        if _ANY_HEADER.search(region.virtual_text):
            continue  # the cell held a block of ours before (of any version): left where it is
        if found is not None:
            return None  # two new blocks: leave them where they are
        found = (region, number)
    if found is None:
        return None
    region, header = found
    try:
        tree = ast.parse(new_text)
    except SyntaxError:
        return None
    names = HELPER_NAMES | KERAS_2_HELPER_NAMES
    block: list[ast.FunctionDef | ast.ClassDef] = []
    for statement in tree.body:
        start = min([statement.lineno, *(d.lineno for d in _decorators(statement))])
        if start <= header:
            continue
        if not isinstance(statement, (ast.FunctionDef, ast.ClassDef)):
            break
        if statement.name not in names or (not block and start != header + 1):
            break
        block.append(statement)
    if not block:
        return None
    end = block[-1].end_lineno or block[-1].lineno
    if any(footer_re.fullmatch(line.rstrip("\r\n")) for line in lines[header - 1 : end]):
        return None  # the block must lie in one cell

    try:
        before = ast.parse(vs.text).body  # the program before the rewrite
    except SyntaxError:
        return None
    bound_before = _bound(s for s in before if (s.end_lineno or 0) < region.first_line)
    imports = []
    for name in _needed_to_define(block):
        if name in bound_before:
            continue
        binding = [
            s
            for s in tree.body
            if isinstance(s, (ast.Import, ast.ImportFrom))
            and (s.end_lineno or 0) < header
            and name in _bound([s])
        ]
        if not binding:
            return None
        segment = ast.get_source_segment(new_text, binding[-1])
        if segment is None:
            return None
        if segment not in imports:
            imports.append(segment)
    newline = lines[header - 1][len(lines[header - 1].rstrip("\r\n")) :] or "\n"
    text = "".join(lines[header - 1 : end])
    text = text[: len(text.rstrip("\r\n"))]
    if imports:
        text = newline.join(imports) + newline * 3 + text
    return HelpersCell(region.cell_index, text)


_ANY_HEADER = re.compile(r"^#.*\bhelpers\b.*\bkeras-mask-codemod\b", re.MULTILINE)
"""The header comment of a block of our helpers, whatever the version that pasted it."""


def _decorators(statement: object) -> list:
    return list(getattr(statement, "decorator_list", []))


def _needed_to_define(block: list) -> list[str]:
    """The global names the definitions read when they are made (decorators, base classes,
    default values, annotations): bound when the cell runs, not later. Builtins and the block's
    own names apart."""
    import ast
    import builtins

    reads: list[ast.AST] = []
    for node in block:
        reads += node.decorator_list
        if isinstance(node, ast.ClassDef):
            reads += [*node.bases, *(k.value for k in node.keywords)]
        else:
            arguments = node.args
            reads += [*arguments.defaults, *(d for d in arguments.kw_defaults if d is not None)]
            every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
            every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
            reads += [a.annotation for a in every if a.annotation is not None]
            reads += [node.returns] if node.returns is not None else []
    own = {node.name for node in block}
    needed: list[str] = []
    for expression in reads:
        for part in ast.walk(expression):
            if (
                isinstance(part, ast.Name)
                and part.id not in own
                and part.id not in needed
                and not hasattr(builtins, part.id)
            ):
                needed.append(part.id)
    return needed


def _bound(statements) -> set[str]:
    """The names top-level statements bind (imports, definitions, assignments), those under
    if/try/with/for included."""
    import ast

    bound: set[str] = set()
    pending = list(statements)
    while pending:
        statement = pending.pop()
        if isinstance(statement, ast.Import):
            bound |= {(a.asname or a.name).split(".")[0] for a in statement.names}
        elif isinstance(statement, ast.ImportFrom):
            bound |= {a.asname or a.name for a in statement.names if a.name != "*"}
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(statement.name)
            continue
        elif isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                bound |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
        for field in ("body", "orelse", "finalbody"):
            pending += getattr(statement, field, [])
        for handler in getattr(statement, "handlers", []):
            pending += handler.body
    return bound
