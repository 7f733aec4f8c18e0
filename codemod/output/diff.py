"""Git-style unified diffs of a file's real bytes, for `fix --dry-run` output piped into `git apply`.

Why not difflib: it writes a corrupt patch when a file has no final newline, and it is slow and
gives oversized hunks on repetitive model code. Here the line edit script comes from
`fast_diff_match_patch` (Myers' algorithm in C++): every distinct line becomes one code point and
the two code-point strings are diffed.

Lines are split on b"\\n" only, and each line keeps its terminator, so "\\r", form feeds and
Unicode line separators stay inside lines and CRLF, latin-1 or BOM files patch byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import fast_diff_match_patch

NO_NEWLINE_MARKER = b"\\ No newline at end of file\n"

# Code points used to stand for lines: start above the ASCII controls and skip the surrogates.
_FIRST_CODE_POINT = 0x100
_SURROGATES = range(0xD800, 0xE000)
_MAX_DISTINCT_LINES = 0x110000 - _FIRST_CODE_POINT - len(_SURROGATES)

# Bytes git writes as C escapes inside a quoted path; other bytes that need quoting become octal.
_C_ESCAPES = {
    0x07: b"\\a",
    0x08: b"\\b",
    0x09: b"\\t",
    0x0A: b"\\n",
    0x0B: b"\\v",
    0x0C: b"\\f",
    0x0D: b"\\r",
    0x22: b'\\"',
    0x5C: b"\\\\",
}

_HUNK_HEADER = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


@dataclass(frozen=True)
class _Change:
    """One run of removed and/or added lines, as half-open line ranges of each side."""

    old_start: int
    old_end: int
    new_start: int
    new_end: int


def unified_diff(
    old: bytes, new: bytes, path: str, *, context: int = 3, created: bool = False
) -> bytes:
    """Return a git-style patch turning `old` into `new` for the file at relative POSIX `path`.
    With `created` the file does not exist yet (`old` is empty): the patch creates it, with
    `new file mode 100644` and `--- /dev/null`, as git writes it.

    Returns b"" when the contents are equal. The patch carries `diff --git`, `--- a/`, `+++ b/`
    headers (paths quoted the way git quotes them) and `@@ -l,s +l,s @@` hunks with `context`
    lines of context (",s" left out when s is 1, as git does); both `git apply` and
    `patch -p1` accept it. A patch made with
    `context=0` needs `git apply --unidiff-zero`, like git's own zero-context diffs, and
    shares their weakness: git may misapply one that removes a last line lacking its
    newline (GNU patch applies it correctly).

    Raises ValueError for a negative context or a path that is empty, absolute, or climbs out
    of the tree with "..".
    """
    if context < 0:
        raise ValueError(f"context must be >= 0, got {context}")
    _check_relative_path(path)
    if old == new:
        return b""
    old_lines = _split_lines(old)
    new_lines = _split_lines(new)
    changes = _line_changes(old_lines, new_lines)
    out = _file_header(path, created)
    for group in _group_changes(changes, context):
        out.extend(_hunk(group, old_lines, new_lines, context))
    return b"".join(out)


def diff_stats(patch: bytes) -> tuple[int, int]:
    """Count (lines added, lines removed) in a unified patch, for one-line summaries.

    Hunk bodies are read by the counts in their `@@` headers, so a removed line that itself
    starts with "-- " is not mistaken for a `---` file header. Raises ValueError when a hunk
    header is malformed.
    """
    added = removed = 0
    old_left = new_left = 0
    for line in patch.split(b"\n"):
        if old_left > 0 or new_left > 0:
            marker = line[:1]
            if marker == b"+":
                added += 1
                new_left -= 1
            elif marker == b"-":
                removed += 1
                old_left -= 1
            elif marker in (b" ", b""):
                old_left -= 1
                new_left -= 1
            elif marker != b"\\":
                raise ValueError(f"hunk ends early at line {line[:60]!r}")
            continue
        if line.startswith(b"@@ "):
            header = _HUNK_HEADER.match(line)
            if header is None:
                raise ValueError(f"malformed hunk header {line[:60]!r}")
            old_left = 1 if header.group(2) is None else int(header.group(2))
            new_left = 1 if header.group(4) is None else int(header.group(4))
    return added, removed


def _check_relative_path(path: str) -> None:
    """Refuse paths that git apply would reject or that would escape the working tree."""
    if not path:
        raise ValueError("path must not be empty")
    if "\x00" in path:
        raise ValueError(f"path contains a NUL character: {path!r}")
    if path.startswith("/"):
        raise ValueError(f"path must be relative, got {path!r}")
    if ".." in path.split("/"):
        raise ValueError(f"path must not contain '..': {path!r}")


def _split_lines(data: bytes) -> list[bytes]:
    """Split on b"\\n" only, keeping each line's terminator; the last line may lack one."""
    lines = data.split(b"\n")
    last = lines.pop()
    terminated = [line + b"\n" for line in lines]
    if last:
        terminated.append(last)
    return terminated


def _line_changes(old: Sequence[bytes], new: Sequence[bytes]) -> list[_Change]:
    """Find the changed line runs of a minimal line edit script.

    Lines present on only one side can never match, so they are left out of the string
    handed to fast_diff_match_patch: the longest common subsequence stays the same, and a
    rewritten file costs nothing. The diff runs without time limit (a time limit would also
    switch on a speed-up that gives non-minimal diffs), so output is deterministic.
    """
    old_set = set(old)
    new_set = set(new)
    old_kept = [index for index, line in enumerate(old) if line in new_set]
    new_kept = [index for index, line in enumerate(new) if line in old_set]
    codes: dict[bytes, str] = {}
    old_text = "".join(_code_for(old[index], codes) for index in old_kept)
    new_text = "".join(_code_for(new[index], codes) for index in new_kept)
    ops = fast_diff_match_patch.diff(
        old_text, new_text, timelimit=0, checklines=False, cleanup="No", counts_only=True
    )
    changes: list[_Change] = []
    old_pos = new_pos = 0  # next unmatched line on each side
    old_kept_pos = new_kept_pos = 0
    for op, count in ops:
        if op == "-":
            old_kept_pos += count
        elif op == "+":
            new_kept_pos += count
        else:
            for offset in range(count):
                old_match = old_kept[old_kept_pos + offset]
                new_match = new_kept[new_kept_pos + offset]
                if old_match != old_pos or new_match != new_pos:
                    changes.append(_Change(old_pos, old_match, new_pos, new_match))
                old_pos = old_match + 1
                new_pos = new_match + 1
            old_kept_pos += count
            new_kept_pos += count
    if old_pos != len(old) or new_pos != len(new):
        changes.append(_Change(old_pos, len(old), new_pos, len(new)))
    return changes


def _code_for(line: bytes, codes: dict[bytes, str]) -> str:
    """Give each distinct line its own code point, allocated in order of first sight."""
    code = codes.get(line)
    if code is None:
        number = len(codes)
        if number >= _MAX_DISTINCT_LINES:
            raise ValueError(f"too many distinct lines to diff (more than {_MAX_DISTINCT_LINES})")
        code_point = _FIRST_CODE_POINT + number
        if code_point >= _SURROGATES.start:
            code_point += len(_SURROGATES)
        code = chr(code_point)
        codes[line] = code
    return code


def _group_changes(changes: list[_Change], context: int) -> list[list[_Change]]:
    """Put changes whose context would touch or overlap into one hunk, as unified diff does."""
    groups: list[list[_Change]] = []
    for change in changes:
        if groups and change.old_start - groups[-1][-1].old_end <= 2 * context:
            groups[-1].append(change)
        else:
            groups.append([change])
    return groups


def _hunk(
    group: list[_Change], old: Sequence[bytes], new: Sequence[bytes], context: int
) -> list[bytes]:
    """Render one hunk: header, then context, removed and added lines in file order."""
    first, last = group[0], group[-1]
    lead = min(context, first.old_start)
    trail = min(context, len(old) - last.old_end)
    old_start, old_end = first.old_start - lead, last.old_end + trail
    new_start, new_end = first.new_start - lead, last.new_end + trail
    out = [
        b"@@ -"
        + _hunk_range(old_start, old_end - old_start)
        + b" +"
        + _hunk_range(new_start, new_end - new_start)
        + b" @@\n"
    ]
    position = old_start
    for change in group:
        _emit(out, b" ", old[position : change.old_start])
        _emit(out, b"-", old[change.old_start : change.old_end])
        _emit(out, b"+", new[change.new_start : change.new_end])
        position = change.old_end
    _emit(out, b" ", old[position:old_end])
    return out


def _hunk_range(start: int, count: int) -> bytes:
    """Write a hunk range as git does: 1-based start, ",count" left out when it is 1."""
    first_line = start + 1 if count else start
    if count == 1:
        return b"%d" % first_line
    return b"%d,%d" % (first_line, count)


def _emit(out: list[bytes], marker: bytes, lines: Sequence[bytes]) -> None:
    """Append lines with their marker; a line without final newline gets git's marker line."""
    for line in lines:
        out.append(marker + line)
        if not line.endswith(b"\n"):
            out.append(b"\n" + NO_NEWLINE_MARKER)


def _file_header(path: str, created: bool = False) -> list[bytes]:
    """The `diff --git`, `---` and `+++` lines, with a tab after names holding a space as git does;
    for a file `created`, its mode line and `--- /dev/null`."""
    old_name = _quote_path(b"a/", path)
    new_name = _quote_path(b"b/", path)
    tab = b"\t" if " " in path else b""
    if created:
        return [
            b"diff --git " + old_name + b" " + new_name + b"\n",
            b"new file mode 100644\n",
            b"--- /dev/null\n",
            b"+++ " + new_name + tab + b"\n",
        ]
    return [
        b"diff --git " + old_name + b" " + new_name + b"\n",
        b"--- " + old_name + tab + b"\n",
        b"+++ " + new_name + tab + b"\n",
    ]


def _quote_path(prefix: bytes, path: str) -> bytes:
    """Quote prefix+path the way git does when it holds control, quote, backslash or non-ASCII bytes."""
    raw = prefix + path.encode("utf-8", "surrogateescape")
    if not any(byte < 0x20 or byte >= 0x7F or byte in (0x22, 0x5C) for byte in raw):
        return raw
    quoted = bytearray(b'"')
    for byte in raw:
        if byte in _C_ESCAPES:
            quoted += _C_ESCAPES[byte]
        elif byte < 0x20 or byte >= 0x7F:
            quoted += b"\\%03o" % byte
        else:
            quoted.append(byte)
    quoted += b'"'
    return bytes(quoted)
