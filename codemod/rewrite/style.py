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
    quoted strings and docstrings keep double quotes (as ruff format keeps them)."""
    if quote == '"':
        return code
    lines = code.splitlines(keepends=True)
    edits = []
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        prefix = token.string[: len(token.string) - len(token.string.lstrip("bBfFrRuU"))]
        text = token.string[len(prefix) :]
        if token.type != tokenize.STRING or text[:1] != '"' or text.startswith('"""'):
            continue
        body = text[1:-1]
        if "'" in body or "\\" in body:
            continue
        edits.append((token.start, token.end, f"{prefix}'{body}'"))
    for (row, column), (end_row, end_column), new in reversed(edits):
        if row != end_row:
            continue
        line = lines[row - 1]
        lines[row - 1] = line[:column] + new + line[end_column:]
    return "".join(lines)
