"""How the project formats its code, so that what fix writes passes its formatter.

Read from pyproject.toml by the settings (black's and ruff's line length, ruff's quote style).
The helpers are written so that no formatter at a line length of 79 or more changes them; the
lines fix edits are laid out for `line_length`, and string quotes follow `quote`.
"""

from __future__ import annotations

import io
import tokenize
from dataclasses import dataclass


@dataclass(frozen=True)
class CodeStyle:
    line_length: int = 88  # black's and ruff's default
    quote: str = '"'  # '"', or "'" for ruff's quote-style = "single"


DEFAULT_STYLE = CodeStyle()


def with_quotes(code: str, quote: str) -> str:
    """`code` with its one-line string literals in `quote`, where that needs no escaping; triple
    quoted strings and docstrings keep double quotes (as ruff format keeps them). f-strings too,
    whether tokenize gives them whole (up to Python 3.11) or in parts (3.12 on)."""
    if quote == '"':
        return code
    lines = code.splitlines(keepends=True)
    edits = []
    for start, end, literal in _literals(code):
        prefix = literal[: len(literal) - len(literal.lstrip("bBfFrRuU"))]
        text = literal[len(prefix) :]
        if text[:1] != '"' or text.startswith('"""'):
            continue
        body = text[1:-1]
        if "'" in body or "\\" in body:
            continue
        edits.append((start, end, f"{prefix}'{body}'"))
    for (row, column), (end_row, end_column), new in reversed(edits):
        if row != end_row:
            continue
        line = lines[row - 1]
        lines[row - 1] = line[:column] + new + line[end_column:]
    return "".join(lines)


_FSTRING_START = getattr(tokenize, "FSTRING_START", None)  # Python 3.12 on
_FSTRING_END = getattr(tokenize, "FSTRING_END", None)


def _literals(code: str) -> list[tuple[tuple[int, int], tuple[int, int], str]]:
    """(start, end, text) of each outermost string literal on one line, f-strings whole."""
    lines = code.splitlines(keepends=True)
    found = []
    depth = 0
    opened = (0, 0)
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if token.type == tokenize.STRING and depth == 0:
            found.append((token.start, token.end, token.string))
        elif token.type == _FSTRING_START:
            depth += 1
            if depth == 1:
                opened = token.start
        elif token.type == _FSTRING_END:
            depth -= 1
            if depth == 0 and opened[0] == token.end[0]:
                text = lines[opened[0] - 1][opened[1] : token.end[1]]
                found.append((opened, token.end, text))
    return found
