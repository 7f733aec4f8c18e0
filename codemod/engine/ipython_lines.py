"""IPython-only lines of a code cell as placeholder lines of plain Python, and back again.

Kept apart from the virtual source (notebook_cells.py), which joins cells and needs only Python:
everything that knows IPython's syntax, and how its lines are hidden and restored, is here.

A placeholder line keeps the indentation of the IPython line it stands for and carries a numbered
marker, e.g. ``    pass  # keras-mask-codemod: ipython 3`` or ``files = None  # ...: ipython 4``
for ``files = !ls``. IPython syntax is recognised only where IPython recognises it, at the start of
a logical line (not inside strings or brackets): line and cell magics, shell escapes, help lines,
autocall escapes, `x = !cmd` / `x = %magic`, and common magics typed without "%" (see
AUTOMAGIC_NAMES). Valid Python is never replaced. Not handled: pasted prompts (`>>>`, `In [1]:`)
and cells indented as a whole; such cells fail to parse like any other syntax error, and
`VirtualSource.locate` points at them.

On the way back a rewrite must leave every placeholder line exactly as it was, once, in order and
in its own cell; the lines of one continued IPython command must stay adjacent, and a `%%time`-style
line must stay the first non-blank line of its cell. Anything else raises SourceError.
This module must stay cheap to import: no libcst here.
"""

from __future__ import annotations

import itertools
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

from codemod.analysis import split_lines
from codemod.engine.sources import SourceError, indent_of

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

_HELP_END_RE = re.compile(r"%{0,2}(?!\d)[\w*]+(?:\.(?!\d)[\w*]+|\[-?\d+\])*\?\??")
_CELL_MAGIC_RE = re.compile(r"%%(\w*)")
_AUTOMAGIC_RE = re.compile(r"([A-Za-z_]\w*)[ \t]+\S")


@dataclass(frozen=True)
class Placeholder:
    """A virtual line standing for one line of IPython syntax."""

    number: int  # unique within the virtual source; written in the line's marker
    line: str  # the placeholder as written in the virtual source, without line ending
    original: str  # the IPython line it replaces, without line ending
    group: int  # lines of one backslash-continued IPython command share a group
    cell_magic: bool  # a `%%time`-style first line, which must stay first


def placeholder_pattern(marker: str) -> re.Pattern[str]:
    """What finds a placeholder line's marker; group 1 is the placeholder's number."""
    return re.compile(rf"  # {re.escape(marker)}: ipython (\d+)$")


def virtualise_cell(
    text: str, marker: str, numbers: Iterator[int]
) -> tuple[list[str], list[Placeholder], bool]:
    """The cell's virtual lines (each ending in a newline), its placeholders, and is-it-Python."""
    lines = split_lines(text)
    if not lines:
        lines = ["\n"]
    elif not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n"
    placeholders: list[Placeholder] = []

    def replace(position: int, statement: str, group: int, cell_magic: bool = False) -> None:
        content = lines[position].rstrip("\r\n")
        number = next(numbers)
        placeholder = f"{statement}  # {marker}: ipython {number}"
        placeholders.append(Placeholder(number, placeholder, content, group, cell_magic))
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
        indent = indent_of(content)
        replace(position, statement, group)
        # IPython joins backslash-continued lines of a magic or shell command.
        while content.endswith("\\") and position + 1 < len(lines):
            position += 1
            content = lines[position].rstrip("\r\n")
            replace(position, indent + "pass", group)
        position += 1
    return lines, placeholders, True


def restore_ipython_lines(
    cell: int,
    placeholders: tuple[Placeholder, ...],
    chunk: list[str],
    marker_re: re.Pattern[str],
    owner: dict[int, int],
) -> str:
    """The text of `cell` with its placeholder lines (found by a `placeholder_pattern`) turned
    back into the IPython lines they stand for; `owner` maps every placeholder number of the
    virtual source to its cell. SourceError when the rewrite broke a placeholder."""
    expected = {placeholder.number: placeholder for placeholder in placeholders}
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

    _check_placeholders(cell, placeholders, chunk, positions)
    return "".join(restored)


def _check_placeholders(
    cell: int, placeholders: tuple[Placeholder, ...], chunk: list[str], positions: dict[int, int]
) -> None:
    """Every placeholder present once, in order, continued commands kept together."""
    for placeholder in placeholders:
        if placeholder.number not in positions:
            raise SourceError(
                f"the rewrite removed the line standing for {placeholder.original.strip()!r} "
                f"in cell {cell}"
            )
    order = [positions[placeholder.number] for placeholder in placeholders]
    if order != sorted(order):
        raise SourceError(f"the rewrite reordered IPython lines in cell {cell}")
    for before, after in itertools.pairwise(placeholders):
        if before.group == after.group and positions[after.number] != positions[before.number] + 1:
            raise SourceError(
                f"the rewrite split the continued IPython command {before.original.strip()!r} "
                f"in cell {cell}"
            )
    for placeholder in placeholders:
        if placeholder.cell_magic and any(
            line.strip() for line in chunk[: positions[placeholder.number]]
        ):
            raise SourceError(
                f"the rewrite put code above {placeholder.original.strip()!r} in cell {cell}; "
                "a cell magic must stay on the first line"
            )


def _ipython_placeholder(content: str) -> str | None:
    """The Python statement standing for a logical line of IPython syntax, or None for Python."""
    stripped = content.strip()
    if not stripped or stripped.startswith("#"):
        return None
    indent = indent_of(content)
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
