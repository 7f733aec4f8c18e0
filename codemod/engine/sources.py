"""Read and write users' source files without losing a byte.

Everything the codemod reads goes through `read_source` / `decode_source`, and everything it writes
goes through `encode_like` + `write_atomic`. The contract is that a file we do not change comes back
byte-for-byte identical, and a file we do change differs only where the rewrite changed text:

* the text is decoded WITHOUT newline translation, so "\\r\\n" and a lone "\\r" survive untouched;
* the encoding follows Python's own rules (a UTF-8 BOM, or a PEP 263 coding cookie in the first two
  lines, else UTF-8) and the BOM is put back on write;
* a file that would not survive the decode/encode round trip exactly is refused up front.

Errors are `SourceError`s carrying a one-line reason meant for users (never a traceback).
This module must stay cheap to import: no libcst here.
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import re
import signal
import stat
import threading
import tokenize
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

TEMP_PREFIX = ".keras-mask-codemod-"
TEMP_SUFFIX = ".tmp"

_UTF8_BOM = codecs.BOM_UTF8
# UTF-32 first: its little-endian BOM starts with the UTF-16 little-endian one.
_FOREIGN_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
_NEWLINE_RE = re.compile(r"\r\n|\r|\n")
_INDENT_RE = re.compile(r"[ \t\f]*")


class SourceError(Exception):
    """A file cannot be read or written safely; `reason` is one line meant for users.

    `str(error)` is the reason alone; `describe()` prefixes the path when one is known.
    """

    def __init__(self, reason: str, path: str | None = None) -> None:
        self.reason = " ".join(reason.split())  # one line, whatever the cause said
        self.path = path
        super().__init__(self.reason)

    def describe(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason


@dataclass(frozen=True)
class Source:
    """One file as read: the exact bytes and the text they decode to.

    `encoding` is the codec used for the text; it is never "utf-8-sig": a UTF-8 BOM is reported as
    encoding="utf-8" with bom=True, and `text` never contains the BOM character.
    """

    path: str
    raw: bytes
    text: str
    encoding: str
    bom: bool


def read_source(path: str | os.PathLike[str]) -> Source:
    """Read a file once and decode it by Python's rules; SourceError says why when we cannot."""
    name = os.fspath(path)
    try:
        info = os.stat(name)
    except OSError as error:
        raise SourceError(_read_reason(name, error), name) from None
    if stat.S_ISDIR(info.st_mode):
        raise SourceError("is a directory", name)
    if not stat.S_ISREG(info.st_mode):
        raise SourceError("is not a regular file", name)
    try:
        raw = read_bytes(name)
    except OSError as error:
        raise SourceError(_read_reason(name, error), name) from None
    return decode_source(raw, name)


# Flags open(path, "rb") passes too: no translation of line endings (Windows), not inherited.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
_READ_FLAGS |= getattr(os, "O_NOINHERIT", 0)


def read_bytes(path: str) -> bytes:
    """A file's bytes, in two reads of the file descriptor: for the small files of a tree,
    Python's buffered file object costs more than the reading. OSError as open() raises it."""
    fd = os.open(path, _READ_FLAGS)
    try:
        size = os.fstat(fd).st_size  # a read of one byte more meets the end at once
        chunks = []
        while chunk := os.read(fd, max(size + 1, 4096)):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def decode_source(raw: bytes, path: str) -> Source:
    """Decode bytes that did not come from `read_source` (stdin, a notebook's JSON)."""
    for bom, family in _FOREIGN_BOMS:
        if raw.startswith(bom):
            raise SourceError(
                f"looks like {family} (BOM found); only UTF-8 and PEP 263 encodings are supported",
                path,
            )
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise SourceError(f"contains NUL bytes (first at offset {nul})", path)

    encoding = _detect_encoding(raw, path)
    bom = raw.startswith(_UTF8_BOM)
    body = raw[len(_UTF8_BOM) :] if bom else raw
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as error:
        offset = error.start + (len(_UTF8_BOM) if bom else 0)
        raise SourceError(
            f"cannot decode as {encoding} (byte 0x{raw[offset]:02x} at offset {offset})", path
        ) from None
    source = Source(path=path, raw=raw, text=text, encoding=encoding, bom=bom)
    # A few legacy codecs map several byte sequences to one character; writing such a file back
    # would change bytes we never meant to touch, so refuse it now rather than later.
    if _encode(text, encoding, bom) != raw:
        raise SourceError(f"does not round-trip byte-for-byte in {encoding}", path)
    return source


def encode_like(text: str, like: Source) -> bytes:
    """Encode new text the way `like` was stored: same codec, BOM restored if it had one."""
    try:
        return _encode(text, like.encoding, like.bom)
    except UnicodeEncodeError as error:
        char = error.object[error.start]
        raise SourceError(
            f"cannot encode {char!r} (U+{ord(char):04X}) in the file's encoding {like.encoding}",
            like.path,
        ) from None


CHANGED_MEANWHILE = "changed while it was being fixed (by an editor or another run); left as it is"


def write_atomic(path: str | os.PathLike[str], data: bytes, expected: bytes | None = None) -> None:
    """Replace a file's contents so that a crash at any instant leaves it wholly old or wholly new.

    The bytes go to a temporary file in the target's own folder (named `.keras-mask-codemod-*.tmp`),
    which is flushed and fsync'd, given the original's permission bits (and owner when we may), and
    then renamed over the target with `os.replace`, which is atomic on POSIX and Windows. Until that
    rename the target is untouched; after it the target is complete. On any failure the temporary
    file is removed and the original left as it was.

    A symbolic link is followed: its target file is replaced and the link stays a link. A read-only
    file is refused (a plain write would have failed too). Hard links to the target keep the old
    contents, as with every atomic-rename writer.

    With `expected` (the bytes the new ones were made from), the file is read again just before
    the rename, and left alone if it no longer holds them: an edit saved meanwhile is never lost.
    """
    name = os.fspath(path)
    target = os.path.realpath(name) if os.path.islink(name) else name
    folder = os.path.dirname(os.path.abspath(target))
    try:
        old = os.stat(target)
    except FileNotFoundError:
        old = None
    except OSError as error:
        raise SourceError(f"cannot write: {_os_reason(error)}", name) from None
    if old is not None:
        if stat.S_ISDIR(old.st_mode):
            raise SourceError("cannot write: is a directory", name)
        if not stat.S_ISREG(old.st_mode):
            raise SourceError("cannot write: is not a regular file", name)
        if not os.access(target, os.W_OK):
            if _read_only_file_system(folder):
                raise SourceError("cannot write: read-only file system", name)
            raise SourceError("cannot write: permission denied (the file is read-only)", name)

    with _signals_deferred():
        _write_through_temporary(name, target, folder, data, old, expected)
    _fsync_folder(folder)


def _write_through_temporary(
    name: str, target: str, folder: str, data: bytes, old: os.stat_result | None,
    expected: bytes | None,
) -> None:  # fmt: skip
    import tempfile  # only when writing: a check never needs it

    try:
        handle, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=folder)
    except OSError as error:
        raise SourceError(f"cannot write: {_os_reason(error)}", name) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            if old is not None:
                _keep_owner(stream.fileno(), old)  # before chmod: chown may clear set-id bits
            os.chmod(temp, stat.S_IMODE(old.st_mode) if old is not None else _default_mode())
            os.fsync(stream.fileno())
        if expected is not None and _current_bytes(target) != expected:
            raise SourceError(CHANGED_MEANWHILE, name)
        os.replace(temp, target)
    except BaseException as error:
        try:
            os.unlink(temp)
        except OSError:
            pass
        if isinstance(error, OSError):
            raise SourceError(f"cannot write: {_os_reason(error)}", name) from None
        raise


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Ctrl-C (SIGINT) takes effect once the write is whole or undone: never between creating the
    temporary file and renaming or removing it, which would leave it behind (mkstemp creates the
    file before it returns its name). The signal is noted meanwhile and raised right after. Only
    the main thread can handle signals; elsewhere this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    noted: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: noted.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if noted and callable(previous):
            previous(signal.SIGINT, None)  # Python's own handler: KeyboardInterrupt, now


def _current_bytes(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def indent_of(line: str) -> str:
    """The blanks (spaces, tabs, form feeds) that start the line."""
    found = _INDENT_RE.match(line)
    return found.group() if found else ""


def newline_style(text: str) -> str:
    """The file's line ending: "\\n", "\\r\\n", "\\r", or "mixed"; text without one reports "\\n"."""
    counts = _newline_counts(text)
    used = [ending for ending, count in counts.items() if count]
    if not used:
        return "\n"
    return used[0] if len(used) == 1 else "mixed"


def dominant_newline(text: str) -> str:
    """The ending to use for new lines: the most frequent one (ties prefer "\\n", then "\\r\\n")."""
    counts = _newline_counts(text)
    return max(counts, key=lambda ending: counts[ending]) if any(counts.values()) else "\n"


def _newline_counts(text: str) -> dict[str, int]:
    counts = {"\n": 0, "\r\n": 0, "\r": 0}  # insertion order is the tie-break order
    for match in _NEWLINE_RE.finditer(text):
        counts[match.group()] += 1
    return counts


def _encode(text: str, encoding: str, bom: bool) -> bytes:
    return (_UTF8_BOM if bom else b"") + text.encode(encoding)


def _detect_encoding(raw: bytes, path: str) -> str:
    """Python's own rules (`tokenize.detect_encoding`), with user-facing reasons."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    except SyntaxError as error:
        message = error.msg or str(error)
        if message.startswith("unknown encoding"):
            name = message.partition(":")[2].strip()
            raise SourceError(f"coding cookie names an unknown encoding {name!r}", path) from None
        if message.startswith("encoding problem"):
            raise SourceError(
                "has a UTF-8 BOM but a coding cookie naming another encoding", path
            ) from None
        # A first or second line that is not UTF-8 and carries no cookie: report where.
        encoding = "utf-8"
    if encoding == "utf-8-sig":
        encoding = "utf-8"
    if not _is_ascii_compatible(encoding):
        raise SourceError(
            f"coding cookie names {encoding}, which is not ASCII-compatible; "
            "only UTF-8 and PEP 263 encodings are supported",
            path,
        )
    return encoding


def _is_ascii_compatible(encoding: str) -> bool:
    probe = "# -*- coding -*-\nx = 1\r\n"
    try:
        return probe.encode(encoding) == probe.encode("ascii")
    except (UnicodeError, LookupError):
        return False


def _read_reason(name: str, error: OSError) -> str:
    if isinstance(error, FileNotFoundError) and os.path.islink(name):
        return "broken symbolic link"
    return _os_reason(error)


def _read_only_file_system(folder: str) -> bool:
    """Whether `folder` is on a file system mounted read-only (where a file's own permissions
    are not what stops the write)."""
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (AttributeError, OSError):  # no statvfs (Windows), or it cannot tell
        return False


def _os_reason(error: OSError) -> str:
    known = {
        errno.ENOENT: "no such file",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EISDIR: "is a directory",
        errno.ELOOP: "symbolic link loop",
        errno.ENOSPC: "no space left on device",
        errno.EROFS: "read-only file system",
        errno.ENOTDIR: "a parent of the path is not a folder",
        errno.ENAMETOOLONG: "file name too long",
    }
    if error.errno in known:
        return known[error.errno]
    return (error.strerror or str(error) or type(error).__name__).lower()


def _default_mode() -> int:
    """What a new file would get from a plain open(): 0o666 minus the umask."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def _keep_owner(handle: int, old: os.stat_result) -> None:
    """Keep the original owner and group when we are allowed to (e.g. when running as root)."""
    fchown = getattr(os, "fchown", None)
    if fchown is None:
        return
    now = os.fstat(handle)
    if (now.st_uid, now.st_gid) == (old.st_uid, old.st_gid):
        return
    try:
        fchown(handle, old.st_uid, old.st_gid)
    except OSError:
        pass


def _fsync_folder(folder: str) -> None:
    """Make the rename itself durable; best effort (not possible on every platform)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
