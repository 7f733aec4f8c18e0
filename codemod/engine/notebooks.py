"""Jupyter notebooks (.ipynb) as Python code, and back, without disturbing anything else.

A notebook is checked and fixed through its code cells only. Because a model built in one cell is
often compiled or trained in a later one, the code cells are joined, in order, into one *virtual
source*: a single Python program that the analysis reads like any file. IPython-only lines (magics,
shell escapes, help lines) are swapped for placeholder lines of plain Python so the rest parses.

Numbering: a cell is named by its 1-based position among ALL cells (markdown and raw included), which
is what users count in Jupyter's cell list; lines are 1-based too, both in the virtual source and
within a cell.

Layout of the virtual source, and how boundaries survive a rewrite: every code cell contributes its
own lines (a final newline is added when the cell has none, and an empty cell counts as one blank
line), followed by one footer line of its own::

    <lines of cell 2>
    # keras-mask-codemod: end of cell 2
    <lines of cell 5>
    # keras-mask-codemod: end of cell 5

A placeholder line keeps the indentation of the IPython line it stands for and carries a numbered
marker, e.g. ``    pass  # keras-mask-codemod: ipython 3`` or ``files = None  # ...: ipython 4``
for ``files = !ls``. If a cell's text happens to contain the marker word, a suffixed one is used.
IPython syntax is recognised only where IPython recognises it, at the start of a logical line (not
inside strings or brackets): line and cell magics, shell escapes, help lines, autocall escapes,
`x = !cmd` / `x = %magic`, and common magics typed without "%" (see AUTOMAGIC_NAMES). Valid Python
is never replaced. Not handled: pasted prompts (`>>>`, `In [1]:`) and cells indented as a whole;
such cells fail to parse like any other syntax error, and `locate` points at them.

Contract of `split_virtual`: a rewrite may insert, delete and change lines anywhere inside a cell's
region (lines added above the first line of the program belong to the first cell). It must leave
every footer line and every placeholder line exactly as it was, in the same order and the same
cell; the lines of one continued IPython command must stay adjacent; a `%%time`-style line must stay
the first non-blank line of its cell; a non-Python cell (`%%bash`, ...) must not change at all.
Anything else raises SourceError, so a rewrite never silently lands in the wrong cell.

Written notebooks are spliced, not re-serialised: only the JSON text of each changed cell's "source"
value is replaced, in the file's own style (indentation, separators, newline, ASCII escaping, BOM),
so everything else, outputs and metadata included, stays byte-for-byte as it was.
This module must stay cheap to import: no libcst here.
"""

from __future__ import annotations

import bisect
import itertools
import json
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from codemod.engine.sources import (
    Source,
    SourceError,
    decode_source,
    dominant_newline,
    encode_like,
    split_lines,
)

MARKER_WORD = "keras-mask-codemod"

# Cell magics whose body IPython runs as ordinary (transformed) Python in the kernel's namespace.
PYTHON_BODY_CELL_MAGICS = frozenset({"time", "timeit", "capture"})

# Line magics and default aliases that users commonly type without "%" (IPython's automagic).
# Such a line is only treated as IPython when it does not compile as Python on its own.
AUTOMAGIC_NAMES = frozenset(
    {
        "aimport", "alias", "autoreload", "bookmark", "cat", "cd", "clear", "conda", "config",
        "cp", "debug", "env", "history", "load", "load_ext", "ls", "mamba", "matplotlib",
        "mkdir", "mv", "pdb", "pinfo", "pinfo2", "pip", "precision", "prun", "psearch", "pwd",
        "pylab", "reload_ext", "reset", "rm", "rmdir", "run", "set_env", "store", "time",
        "timeit", "unalias", "unload_ext", "who", "who_ls", "whos", "writefile", "xmode",
    }
)  # fmt: skip

_INDENT_RE = re.compile(r"[ \t\f]*")
_HELP_END_RE = re.compile(r"%{0,2}(?!\d)[\w*]+(?:\.(?!\d)[\w*]+|\[-?\d+\])*\?\??")
_CELL_MAGIC_RE = re.compile(r"%%(\w*)")
_AUTOMAGIC_RE = re.compile(r"([A-Za-z_]\w*)[ \t]+\S")
_JSON_WHITESPACE = " \t\n\r"
_JSON = json.JSONDecoder()


# --------------------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True)
class NotebookCell:
    """One cell: its 1-based index among all cells, its type and its joined source text."""

    index: int
    cell_type: str
    text: str
    source_is_string: bool  # nbformat allows "source" as one string; it is written back as one


@dataclass(frozen=True)
class Notebook:
    """A parsed notebook; `source` keeps the exact bytes and their encoding for writing back."""

    path: str
    source: Source
    data: dict[str, Any]
    cells: tuple[NotebookCell, ...]

    @property
    def code_cells(self) -> list[tuple[int, str]]:
        """(cell_index, text) for every code cell, cell_index 1-based among ALL cells."""
        return [(cell.index, cell.text) for cell in self.cells if cell.cell_type == "code"]

    @property
    def language(self) -> str | None:
        """The kernel's language as the notebook records it, lower-cased, if it records one."""
        metadata = self.data.get("metadata")
        if not isinstance(metadata, dict):
            return None
        for section, key in (("language_info", "name"), ("kernelspec", "language")):
            entry = metadata.get(section)
            if isinstance(entry, dict) and isinstance(entry.get(key), str):
                return str(entry[key]).lower()
        return None

    @property
    def is_python(self) -> bool:
        """False for R, Julia, ... notebooks, whose code cells callers must not treat as Python."""
        return self.language in (None, "python", "python3", "ipython", "ipython3")


def parse_notebook(raw: bytes, path: str) -> Notebook:
    """Parse .ipynb bytes; SourceError with a one-line reason when they are not a usable notebook."""
    source = decode_source(raw, path)
    try:
        data = json.loads(source.text)
    except json.JSONDecodeError as error:
        raise SourceError(
            f"invalid JSON: {error.msg} (line {error.lineno}, column {error.colno})", path
        ) from None
    except RecursionError:
        raise SourceError("invalid JSON: nested too deeply", path) from None
    if not isinstance(data, dict):
        raise SourceError("not a notebook: the JSON document is not an object", path)
    raw_cells = data.get("cells")
    if raw_cells is None and "worksheets" in data:
        raise SourceError(
            "nbformat 3 notebooks are not supported; convert it with "
            "`jupyter nbconvert --to notebook --nbformat 4`",
            path,
        )
    if not isinstance(raw_cells, list):
        raise SourceError('not a notebook: no "cells" list', path)
    cells = tuple(_read_cell(position, cell, path) for position, cell in enumerate(raw_cells, 1))
    return Notebook(path=path, source=source, data=data, cells=cells)


def _read_cell(index: int, cell: object, path: str) -> NotebookCell:
    if not isinstance(cell, dict):
        raise SourceError(f"cell {index} is not a JSON object", path)
    cell_type = cell.get("cell_type")
    if not isinstance(cell_type, str):
        raise SourceError(f'cell {index} has no "cell_type"', path)
    value = cell.get("source")
    if isinstance(value, str):
        return NotebookCell(index, cell_type, value, source_is_string=True)
    if isinstance(value, list) and all(isinstance(part, str) for part in value):
        return NotebookCell(index, cell_type, "".join(value), source_is_string=False)
    found = "missing" if "source" not in cell else f"a {type(value).__name__}"
    raise SourceError(
        f'cell {index}: "source" must be a string or a list of strings (found {found})', path
    )


# --------------------------------------------------------------------------------------------------
# The virtual source


@dataclass(frozen=True)
class _Placeholder:
    """A virtual line standing for one line of IPython syntax."""

    number: int  # unique within the virtual source; written in the line's marker
    line: str  # the placeholder as written in the virtual source, without line ending
    original: str  # the IPython line it replaces, without line ending
    group: int  # lines of one backslash-continued IPython command share a group
    cell_magic: bool  # a `%%time`-style first line, which must stay first


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
    placeholders: tuple[_Placeholder, ...]


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
        lines, placeholders, python = _virtualise_cell(text, marker, numbers)
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
    marker_re = re.compile(rf"  # {re.escape(vs.marker)}: ipython (\d+)$")
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

    expected = {placeholder.number: placeholder for placeholder in region.placeholders}
    positions: dict[int, int] = {}
    restored: list[str] = []
    for position, line in enumerate(chunk):
        content = line.rstrip("\r\n")
        found = marker_re.search(content)
        if found is None:
            restored.append(line)
            continue
        number = int(found.group(1))
        placeholder = expected.get(number)
        if placeholder is None:
            where = f"cell {owner[number]}" if number in owner else "nowhere"
            raise SourceError(f"the rewrite moved an IPython line of {where} into cell {cell}")
        if content != placeholder.line:
            raise SourceError(
                f"the rewrite changed the line standing for {placeholder.original.strip()!r} "
                f"in cell {cell}"
            )
        if number in positions:
            raise SourceError(
                f"the rewrite duplicated the line standing for {placeholder.original.strip()!r} "
                f"in cell {cell}"
            )
        positions[number] = position
        restored.append(placeholder.original + line[len(content) :])

    _check_placeholders(region, chunk, positions)
    text = "".join(restored)
    if region.added_newline:  # the cell had no final newline; the one we added goes again
        for ending in ("\r\n", "\n", "\r"):
            if text.endswith(ending):
                text = text[: -len(ending)]
                break
    return text


def _check_placeholders(region: _CellRegion, chunk: list[str], positions: dict[int, int]) -> None:
    """Every placeholder present once, in order, continued commands kept together."""
    cell = region.cell_index
    for placeholder in region.placeholders:
        if placeholder.number not in positions:
            raise SourceError(
                f"the rewrite removed the line standing for {placeholder.original.strip()!r} "
                f"in cell {cell}"
            )
    order = [positions[placeholder.number] for placeholder in region.placeholders]
    if order != sorted(order):
        raise SourceError(f"the rewrite reordered IPython lines in cell {cell}")
    for before, after in zip(region.placeholders, region.placeholders[1:]):
        if before.group == after.group and positions[after.number] != positions[before.number] + 1:
            raise SourceError(
                f"the rewrite split the continued IPython command {before.original.strip()!r} "
                f"in cell {cell}"
            )
    for placeholder in region.placeholders:
        if placeholder.cell_magic and any(
            line.strip() for line in chunk[: positions[placeholder.number]]
        ):
            raise SourceError(
                f"the rewrite put code above {placeholder.original.strip()!r} in cell {cell}; "
                "a cell magic must stay on the first line"
            )


def _pick_marker(texts: Iterator[str]) -> str:
    """The marker word, suffixed if a cell already contains it (so markers can never collide)."""
    joined = "\n".join(texts)
    marker, suffix = MARKER_WORD, 1
    while marker in joined:
        suffix += 1
        marker = f"{MARKER_WORD}-{suffix}"
    return marker


def _virtualise_cell(
    text: str, marker: str, numbers: Iterator[int]
) -> tuple[list[str], list[_Placeholder], bool]:
    """The cell's virtual lines (each ending in a newline), its placeholders, and is-it-Python."""
    lines = split_lines(text)
    if not lines:
        lines = ["\n"]
    elif not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n"
    placeholders: list[_Placeholder] = []

    def replace(position: int, statement: str, group: int, cell_magic: bool = False) -> None:
        content = lines[position].rstrip("\r\n")
        number = next(numbers)
        placeholder = f"{statement}  # {marker}: ipython {number}"
        placeholders.append(_Placeholder(number, placeholder, content, group, cell_magic))
        lines[position] = placeholder + lines[position][len(content) :]

    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    start = 0
    if first is not None:
        head = lines[first].strip()
        magic = _CELL_MAGIC_RE.match(head)
        if magic and not _HELP_END_RE.fullmatch(head):
            if magic.group(1) not in PYTHON_BODY_CELL_MAGICS:
                group = next(numbers)
                for position in range(len(lines)):
                    replace(position, "pass", group)
                return lines, placeholders, False
            replace(first, "pass", next(numbers), cell_magic=True)
            start = first + 1

    scanner = _LogicalLineScanner()
    position = start
    while position < len(lines):
        content = lines[position].rstrip("\r\n")
        statement = _ipython_placeholder(content) if scanner.at_logical_start else None
        if statement is None:
            scanner.feed(content)
            position += 1
            continue
        group = next(numbers)
        indent = _indent_of(content)
        replace(position, statement, group)
        # IPython joins backslash-continued lines of a magic or shell command.
        while content.endswith("\\") and position + 1 < len(lines):
            position += 1
            content = lines[position].rstrip("\r\n")
            replace(position, indent + "pass", group)
        position += 1
    return lines, placeholders, True


def _indent_of(line: str) -> str:
    found = _INDENT_RE.match(line)
    return found.group() if found else ""


def _ipython_placeholder(content: str) -> str | None:
    """The Python statement standing for a logical line of IPython syntax, or None for Python."""
    stripped = content.strip()
    if not stripped or stripped.startswith("#"):
        return None
    indent = _indent_of(content)
    # "!cmd", "!!cmd", "%magic", "?obj", "??obj", and the autocall escapes "/f x", ",f x", ";f x":
    # none of these can start a Python statement.
    if stripped[0] in "!%?/,;":
        return indent + "pass"
    if _HELP_END_RE.fullmatch(stripped):  # "obj?", "obj.attr??", "%magic?"
        return indent + "pass"
    target = _assignment_target(content)
    if target is not None:  # "files = !ls", "t = %timeit -o f()"
        return f"{target} = None"
    if _is_automagic(stripped):  # "pip install keras", "matplotlib inline"
        return indent + "pass"
    return None


def _assignment_target(content: str) -> str | None:
    """For `lhs = !cmd` or `lhs = %magic`, the text of `lhs` (indentation included)."""
    depth = 0
    quote: str | None = None
    position = 0
    while position < len(content):
        char = content[position]
        if quote is not None:
            if char == "\\":
                position += 2
                continue
            if content.startswith(quote, position):
                position += len(quote)
                quote = None
                continue
        elif char == "#":
            return None
        elif char in "\"'":
            quote = char * 3 if content.startswith(char * 3, position) else char
            position += len(quote)
            continue
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(depth - 1, 0)
        elif (
            char == "="
            and depth == 0
            and content[position - 1 : position] not in set("=!<>:+-*/%&|^@")
            and content[position + 1 : position + 2] != "="
        ):
            rest = content[position + 1 :].lstrip()
            lhs = content[:position].rstrip()
            if rest[:1] in ("!", "%") and lhs.strip():
                return lhs
            return None
        position += 1
    return None


def _is_automagic(stripped: str) -> bool:
    """A known magic name used without "%", on a line that is not valid Python on its own."""
    found = _AUTOMAGIC_RE.match(stripped)
    if found is None or found.group(1) not in AUTOMAGIC_NAMES:
        return False
    scanner = _LogicalLineScanner()
    scanner.feed(stripped)
    if not scanner.at_logical_start:  # an open bracket or string: a multi-line Python statement
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(stripped, "<cell>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            return True
    return False


class _LogicalLineScanner:
    """Tracks strings, brackets and backslashes to know which physical lines start a statement.

    IPython only recognises its syntax at the start of a logical line, so `!x` inside a
    triple-quoted string or a bracketed expression stays Python.
    """

    def __init__(self) -> None:
        self.depth = 0
        self.quote: str | None = None
        self.continued = False

    @property
    def at_logical_start(self) -> bool:
        return self.depth == 0 and self.quote is None and not self.continued

    def feed(self, content: str) -> None:
        """Advance over one physical line, given without its line ending."""
        position = 0
        escaped_end = False
        in_comment = False
        while position < len(content):
            char = content[position]
            if self.quote is not None:
                if char == "\\":
                    escaped_end = position == len(content) - 1
                    position += 2
                    continue
                if content.startswith(self.quote, position):
                    position += len(self.quote)
                    self.quote = None
                    continue
                position += 1
                continue
            if char == "#":
                in_comment = True
                break
            if char in "\"'":
                self.quote = char * 3 if content.startswith(char * 3, position) else char
                position += len(self.quote)
                continue
            if char in "([{":
                self.depth += 1
            elif char in ")]}":
                self.depth = max(self.depth - 1, 0)
            position += 1
        if self.quote is not None and len(self.quote) == 1 and not escaped_end:
            self.quote = None  # an unterminated one-line string: Python's error, not ours
        self.continued = self.quote is None and not in_comment and content.endswith("\\")


# --------------------------------------------------------------------------------------------------
# Writing


def replace_cells(nb: Notebook, raw: bytes, new_texts: dict[int, str]) -> bytes:
    """The notebook's bytes with the given code cells' sources replaced, all else byte-identical.

    `new_texts` maps 1-based cell indices (as in `Notebook.code_cells`) to new text; entries equal
    to the current text are ignored, so an unchanged notebook comes back as the very same bytes.
    """
    if raw != nb.source.raw:
        nb = parse_notebook(raw, nb.path)
    cells = {cell.index: cell for cell in nb.cells}
    for index in new_texts:
        if index not in cells or cells[index].cell_type != "code":
            raise ValueError(f"cell {index} is not a code cell of {nb.path}")
    changed = {i: text for i, text in sorted(new_texts.items()) if text != cells[i].text}
    if not changed:
        return raw

    document = nb.source.text
    spans = _source_spans(document)
    if len(spans) != len(nb.cells):
        raise SourceError("internal error: the notebook's cells could not be located", nb.path)
    style = _JsonStyle.detect(document)
    pieces: list[str] = []
    cursor = 0
    for index, text in changed.items():
        start, end = spans[index - 1]
        value = _format_source(text, cells[index].source_is_string, document, start, end, style)
        pieces += [document[cursor:start], value]
        cursor = end
    pieces.append(document[cursor:])
    result = "".join(pieces)
    _verify(result, nb, changed)
    return encode_like(result, nb.source)


def _verify(result: str, nb: Notebook, changed: dict[int, str]) -> None:
    """Re-read what we are about to write: same cells, and exactly the intended sources."""
    try:
        cells = json.loads(result)["cells"]
    except (ValueError, KeyError, TypeError):
        cells = None
    ok = isinstance(cells, list) and len(cells) == len(nb.cells)
    if ok:
        for cell, before in zip(cells, nb.cells):
            source = cell.get("source") if isinstance(cell, dict) else None
            text = "".join(source) if isinstance(source, list) else source
            if text != changed.get(before.index, before.text):
                ok = False
                break
    if not ok:
        raise SourceError("internal error: the rewritten notebook did not read back", nb.path)


@dataclass(frozen=True)
class _JsonStyle:
    """How the file writes JSON, for the few characters we must write ourselves."""

    indent: str | None  # one indentation step ("" for indent=0), or None for single-line JSON
    separator: str  # between items of a single-line list: "," or ", "
    newline: str
    ensure_ascii: bool

    @staticmethod
    def detect(document: str) -> _JsonStyle:
        start = _skip_whitespace(document, 0)
        layout = re.compile(r"\{[ \t]*(\r\n|\n|\r)([ \t]*)").match(document, start)
        members = list(_object_members(document, start))
        separator = ", "
        if len(members) >= 2:
            between = document[members[0][3] : members[1][1]]
            separator = ", " if re.search(r",[ \t]", between) else ","
        return _JsonStyle(
            indent=layout.group(2) if layout else None,
            separator=separator,
            newline=dominant_newline(document),
            ensure_ascii=_escapes_non_ascii(document),
        )


def _escapes_non_ascii(document: str) -> bool:
    """Whether the file was written with ensure_ascii (nbformat's default is not to)."""
    if not document.isascii():
        return False
    for found in re.finditer(r"(?<!\\)(?:\\\\)*\\u([0-9a-fA-F]{4})", document):
        if int(found.group(1), 16) >= 0x80:
            return True
    return False


def _format_source(
    text: str, as_string: bool, document: str, start: int, end: int, style: _JsonStyle
) -> str:
    """New JSON for a "source" value, laid out like the value it replaces."""
    if as_string:
        return json.dumps(text, ensure_ascii=style.ensure_ascii)
    items = [json.dumps(line, ensure_ascii=style.ensure_ascii) for line in split_lines(text)]
    if not items:
        return "[]"
    elements = list(_array_elements(document, start))
    if elements:
        opening = document[start + 1 : elements[0][0]]
        closing = document[elements[-1][1] : end - 1]
        if len(elements) >= 2:
            separator = document[elements[0][1] : elements[1][0]]
        elif "\n" in opening or "\r" in opening:
            separator = "," + opening
        else:
            separator = style.separator
    elif style.indent is not None:  # "[]" in an indented file: lay out as json.dumps(indent=...)
        line_start = max(document.rfind("\n", 0, start), document.rfind("\r", 0, start)) + 1
        key_indent = _indent_of(document[line_start:start])
        opening = style.newline + key_indent + style.indent
        closing = style.newline + key_indent
        separator = "," + opening
    else:
        opening, closing, separator = "", "", style.separator
    return "[" + opening + separator.join(items) + closing + "]"


def _source_spans(document: str) -> list[tuple[int, int]]:
    """Character span of every cell's "source" value, in cell order (the last key wins, as in
    json.loads)."""
    start = _skip_whitespace(document, 0)
    cells_start = None
    for key, _, value_start, _ in _object_members(document, start):
        if key == "cells":
            cells_start = value_start
    if cells_start is None:
        return []
    spans = []
    for cell_start, _ in _array_elements(document, cells_start):
        span = (cell_start, cell_start)
        for key, _, value_start, value_end in _object_members(document, cell_start):
            if key == "source":
                span = (value_start, value_end)
        spans.append(span)
    return spans


def _object_members(document: str, start: int) -> Iterator[tuple[str, int, int, int]]:
    """(key, key_start, value_start, value_end) of each member of the object at `start`."""
    position = _skip_whitespace(document, start + 1)
    if document[position] == "}":
        return
    while True:
        key_start = position
        key, position = _JSON.raw_decode(document, position)
        position = _skip_whitespace(document, position)
        position = _skip_whitespace(document, position + 1)  # the ":"
        _, value_end = _JSON.raw_decode(document, position)
        yield key, key_start, position, value_end
        position = _skip_whitespace(document, value_end)
        if document[position] != ",":
            return
        position = _skip_whitespace(document, position + 1)


def _array_elements(document: str, start: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each element of the JSON array starting at `start`."""
    position = _skip_whitespace(document, start + 1)
    if document[position] == "]":
        return
    while True:
        _, end = _JSON.raw_decode(document, position)
        yield position, end
        position = _skip_whitespace(document, end)
        if document[position] != ",":
            return
        position = _skip_whitespace(document, position + 1)


def _skip_whitespace(document: str, position: int) -> int:
    while position < len(document) and document[position] in _JSON_WHITESPACE:
        position += 1
    return position
