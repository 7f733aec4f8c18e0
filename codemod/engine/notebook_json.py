"""The .ipynb file itself: read its JSON into cells, and write new cell sources back into it.

Kept apart from the virtual source (notebook_cells.py) because it is only about the file format:
which bytes hold which cell, and how to change a cell's "source" without touching anything else.

Numbering: a cell is named by its 1-based position among ALL cells (markdown and raw included), which
is what users count in Jupyter's cell list.

Written notebooks are spliced, not re-serialised: only the JSON text of each changed cell's "source"
value is replaced, in the file's own style (indentation, separators, newline, ASCII escaping, BOM),
so everything else, outputs and metadata included, stays byte-for-byte as it was. A new code cell
(the helpers' own, `insert_code_cell`) is spliced in the same way, written as nbformat writes one.
This module must stay cheap to import: no libcst here.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from codemod.analysis import split_lines
from codemod.engine.sources import (
    Source,
    SourceError,
    decode_source,
    dominant_newline,
    encode_like,
    indent_of,
)

_JSON_WHITESPACE = " \t\n\r"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
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


def file_lines(nb: Notebook) -> dict[int, list[int]]:
    """For each cell (1-based index), the line of the .ipynb file that holds each line of its
    source, for annotations placed on the file itself (GitHub, SARIF). nbformat writes one JSON
    string per source line, each on a line of its own; a source written as one string is on one
    line of the file, which all its lines map to."""
    document = nb.source.text
    breaks = [match.end() for match in _LINE_BREAK.finditer(document)]

    def line_of(position: int) -> int:
        return bisect.bisect_right(breaks, position) + 1

    found: dict[int, list[int]] = {}
    for cell, (start, _) in zip(nb.cells, _source_spans(document)):
        if not document.startswith("[", start):
            found[cell.index] = [line_of(start)] * max(1, len(split_lines(cell.text)))
            continue
        lines: list[int] = []
        for element_start, _ in _array_elements(document, start):
            text = _JSON.raw_decode(document, element_start)[0]
            held = len(split_lines(text)) if isinstance(text, str) else 1
            lines += [line_of(element_start)] * max(1, held)
        found[cell.index] = lines
    return found


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


HELPERS_CELL_ID = "keras-mask-helpers"
"""The id of a cell we add (nbformat 4.5 ids), suffixed (-2, -3...) when a cell has it already."""


def insert_code_cell(nb: Notebook, raw: bytes, before: int, text: str) -> bytes:
    """The notebook's bytes with a new code cell holding `text` inserted just before cell `before`
    (1-based among all cells), every other byte as it was.

    The cell is written the way nbformat writes one (`cell_type`, `execution_count`: null,
    `metadata`: {}, `outputs`: [], `source`), its keys in the order of the notebook's first code
    cell, in the file's own indentation, separators and newline; it gets an `id` only when the
    notebook's cells have ids, one no other cell has. `text` is the source, its last line without
    a newline, as Jupyter writes it.
    """
    if raw != nb.source.raw:
        nb = parse_notebook(raw, nb.path)
    if not 1 <= before <= len(nb.cells):
        raise ValueError(f"{nb.path} has no cell {before}")
    document = nb.source.text
    elements = _cell_elements(document)
    if len(elements) != len(nb.cells):
        raise SourceError("internal error: the notebook's cells could not be located", nb.path)
    start, _ = elements[before - 1]
    gap = start
    while gap > 0 and document[gap - 1] in _JSON_WHITESPACE:
        gap -= 1
    spacing = document[gap:start]  # between "[" or "," and the cell: newline and indentation
    cells = [cell for cell in nb.data["cells"] if isinstance(cell, dict)]
    style = _JsonStyle.detect(document)
    cell = _new_code_cell(text, cells)
    value = _dump_cell(cell, document, start, spacing, style)
    if len(elements) >= 2:  # between two cells, as the file writes it
        between = document[elements[0][1] : elements[1][0]]
    elif "\n" in spacing or "\r" in spacing:
        between = "," + spacing
    else:
        between = style.separator
    result = document[:start] + value + between + document[start:]
    try:
        written = json.loads(result)["cells"]
    except (ValueError, KeyError, TypeError):
        written = None
    expected = [*nb.data["cells"][: before - 1], cell, *nb.data["cells"][before - 1 :]]
    if written != expected:
        raise SourceError("internal error: the notebook with a new cell did not read back", nb.path)
    return encode_like(result, nb.source)


def _new_code_cell(text: str, cells: list[dict[str, Any]]) -> dict[str, Any]:
    template = next((cell for cell in cells if cell.get("cell_type") == "code"), {})
    as_string = isinstance(template.get("source"), str)
    fields: dict[str, Any] = {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
        "source": text if as_string else split_lines(text),
    }
    if any("id" in cell for cell in cells):
        taken = {cell.get("id") for cell in cells}
        number, name = 1, HELPERS_CELL_ID
        while name in taken:
            number += 1
            name = f"{HELPERS_CELL_ID}-{number}"
        fields["id"] = name
    order = [key for key in template if key in fields]
    order += sorted(key for key in fields if key not in order)
    return {key: fields[key] for key in order}


def _dump_cell(
    cell: dict[str, Any], document: str, start: int, spacing: str, style: _JsonStyle
) -> str:
    """A cell's JSON laid out like the cell at `start`: single-line or indented, with the same
    separator after keys."""
    members = list(_object_members(document, start))
    colon = ": "
    if members:
        _, key_start, value_start, _ = members[0]
        _, key_end = _JSON.raw_decode(document, key_start)
        colon = ":" + (" " if document[key_end:value_start].endswith(" ") else "")
    if style.indent is None:
        return json.dumps(
            cell, ensure_ascii=style.ensure_ascii, separators=(style.separator, colon)
        )
    text = json.dumps(
        cell, ensure_ascii=style.ensure_ascii, indent=style.indent, separators=(",", colon)
    )
    newline_at = max(spacing.rfind("\n"), spacing.rfind("\r"))
    margin = spacing[newline_at + 1 :] if newline_at >= 0 else ""
    return (style.newline + margin).join(text.split("\n"))


def _cell_elements(document: str) -> list[tuple[int, int]]:
    """Character span of every cell object in the "cells" array (the last "cells" key wins)."""
    start = _skip_whitespace(document, 0)
    cells_start = None
    for key, _, value_start, _ in _object_members(document, start):
        if key == "cells":
            cells_start = value_start
    return [] if cells_start is None else list(_array_elements(document, cells_start))


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
        key_indent = indent_of(document[line_start:start])
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
