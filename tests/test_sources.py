"""Reading and writing users' files: byte-for-byte round trips and one-line reasons for failures."""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

import pytest

from codemod.analysis import split_lines
from codemod.engine import sources
from codemod.engine.sources import (
    Source,
    SourceError,
    decode_source,
    dominant_newline,
    encode_like,
    newline_style,
    read_source,
    write_atomic,
)

ROUND_TRIPS = {
    "utf-8": "name = 'héllo ✓ 模型'\n".encode(),
    "utf-8 with BOM": codecs.BOM_UTF8 + "x = 'é'\n".encode(),
    "latin-1 with a coding cookie": b"# -*- coding: latin-1 -*-\nx = '\xe9t\xe9'\n",
    "cp1252 cookie on line 2": b"#!/usr/bin/env python\n# coding: cp1252\nx = '\x80'\n",
    "CRLF": b"import keras\r\nx = 1\r\n",
    "mixed newlines": b"a = 1\r\nb = 2\nc = 3\rd = 4\n",
    "lone CR": b"a = 1\rb = 2\r",
    "no final newline": b"x = 1\ny = 2",
    "tabs": b"if x:\n\ty = 1\n\tz = '\t'\n",
    "empty": b"",
    "form feed and U+2028 in a string": "\x0cx = '\u2028'\n".encode(),
}


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("raw", ROUND_TRIPS.values(), ids=ROUND_TRIPS.keys())
def test_read_then_write_gives_back_the_same_bytes(tmp_path: Path, raw: bytes) -> None:
    path = _write(tmp_path, "model.py", raw)
    source = read_source(path)
    assert source.raw == raw
    assert source.path == str(path)
    data = encode_like(source.text, source)
    assert data == raw
    write_atomic(path, data)
    assert path.read_bytes() == raw


def test_text_keeps_every_newline_as_written() -> None:
    source = decode_source(ROUND_TRIPS["mixed newlines"], "m.py")
    assert source.text == "a = 1\r\nb = 2\nc = 3\rd = 4\n"


def test_bom_is_reported_not_kept_in_text_and_restored_on_encode() -> None:
    source = decode_source(codecs.BOM_UTF8 + b"x = 1\n", "m.py")
    assert (source.encoding, source.bom, source.text) == ("utf-8", True, "x = 1\n")
    assert encode_like("y = 2\n", source) == codecs.BOM_UTF8 + b"y = 2\n"


def test_coding_cookie_selects_the_codec() -> None:
    source = decode_source(ROUND_TRIPS["latin-1 with a coding cookie"], "m.py")
    assert source.encoding == "iso-8859-1"
    assert not source.bom
    assert "x = 'été'" in source.text
    assert encode_like(source.text + "y = 'ü'\n", source).endswith(b"y = '\xfc'\n")


def test_default_is_utf8() -> None:
    source = decode_source(b"x = 1\n", "m.py")
    assert (source.encoding, source.bom) == ("utf-8", False)


def test_new_text_that_the_encoding_cannot_hold_is_refused() -> None:
    source = decode_source(ROUND_TRIPS["latin-1 with a coding cookie"], "m.py")
    with pytest.raises(SourceError) as caught:
        encode_like("x = '€'\n", source)
    assert caught.value.reason == "cannot encode '€' (U+20AC) in the file's encoding iso-8859-1"
    assert caught.value.path == "m.py"


def _reason(path: Path | str) -> str:
    with pytest.raises(SourceError) as caught:
        read_source(path)
    assert "\n" not in str(caught.value)
    return caught.value.reason


def test_utf16_file_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "m.py", "x = 1\n".encode("utf-16"))
    assert _reason(path) == (
        "looks like UTF-16 (BOM found); only UTF-8 and PEP 263 encodings are supported"
    )


def test_utf32_file_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "m.py", "x = 1\n".encode("utf-32"))
    assert _reason(path).startswith("looks like UTF-32 (BOM found)")


def test_invalid_utf8_names_the_byte_and_its_offset(tmp_path: Path) -> None:
    path = _write(tmp_path, "m.py", b"x = 1\nname\xff = 2\n")
    assert _reason(path) == "cannot decode as utf-8 (byte 0xff at offset 10)"


def test_invalid_utf8_in_the_first_line_is_reported_the_same_way(tmp_path: Path) -> None:
    path = _write(tmp_path, "m.py", b"# caf\xe9\nx = 1\n")
    assert _reason(path) == "cannot decode as utf-8 (byte 0xe9 at offset 5)"


def test_offset_counts_the_bom(tmp_path: Path) -> None:
    path = _write(tmp_path, "m.py", codecs.BOM_UTF8 + b"x\xff\n")
    assert _reason(path) == "cannot decode as utf-8 (byte 0xff at offset 4)"


def test_nul_bytes_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "m.py", b"x = 1\x00\n")
    assert _reason(path) == "contains NUL bytes (first at offset 5)"


def test_unknown_coding_cookie_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "m.py", b"# coding: klingon\nx = 1\n")
    assert _reason(path) == "coding cookie names an unknown encoding 'klingon'"


def test_bom_with_a_different_cookie_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "m.py", codecs.BOM_UTF8 + b"# coding: latin-1\nx = 1\n")
    assert _reason(path) == "has a UTF-8 BOM but a coding cookie naming another encoding"


def test_cookie_naming_a_non_ascii_codec_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "m.py", b"# coding: utf-16\nx = 1\n")
    assert "not ASCII-compatible" in _reason(path)


def test_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.py").mkdir()
    assert _reason(tmp_path / "x.py") == "is a directory"


def test_missing_file_is_refused(tmp_path: Path) -> None:
    assert _reason(tmp_path / "absent.py") == "no such file"


def test_unreadable_file_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "m.py", b"x = 1\n")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("this user (root?) can read a file with mode 000")
        assert _reason(path) == "permission denied"
    finally:
        path.chmod(0o644)


def test_broken_symlink_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "m.py"
    link.symlink_to(tmp_path / "gone.py")
    assert _reason(link) == "broken symbolic link"


def test_symlink_loop_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.py").symlink_to(tmp_path / "b.py")
    (tmp_path / "b.py").symlink_to(tmp_path / "a.py")
    assert _reason(tmp_path / "a.py") == "symbolic link loop"


def test_source_error_describes_path_and_reason_on_one_line() -> None:
    error = SourceError("first line\nsecond line", "pkg/m.py")
    assert str(error) == "first line second line"
    assert error.describe() == "pkg/m.py: first line second line"
    assert SourceError("plain").describe() == "plain"


def _leftovers(folder: Path) -> list[str]:
    return [name for name in os.listdir(folder) if name.startswith(sources.TEMP_PREFIX)]


@pytest.mark.parametrize("mode", [0o755, 0o640])
def test_write_atomic_keeps_permissions_and_leaves_no_temp_file(tmp_path: Path, mode: int) -> None:
    path = _write(tmp_path, "train.py", b"old\n")
    path.chmod(mode)
    write_atomic(path, b"new\n")
    assert path.read_bytes() == b"new\n"
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert _leftovers(tmp_path) == []


def test_write_atomic_failure_leaves_the_original_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, "train.py", b"old\n")

    def refuse(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(SourceError) as caught:
        write_atomic(path, b"new\n")
    assert caught.value.reason == "cannot write: permission denied"
    assert path.read_bytes() == b"old\n"
    assert _leftovers(tmp_path) == []


def test_write_atomic_failure_before_the_rename_removes_the_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, "train.py", b"old\n")

    def disk_full(handle: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(SourceError) as caught:
        write_atomic(path, b"new\n")
    assert caught.value.reason == "cannot write: no space left on device"
    assert path.read_bytes() == b"old\n"
    assert _leftovers(tmp_path) == []


def test_write_atomic_interrupted_cleans_up_and_reraises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, "train.py", b"old\n")

    def interrupt(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(path, b"new\n")
    assert path.read_bytes() == b"old\n"
    assert _leftovers(tmp_path) == []


def test_write_atomic_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    real = _write(tmp_path, "real.py", b"old\n")
    link = tmp_path / "link.py"
    link.symlink_to(real)
    write_atomic(link, b"new\n")
    assert link.is_symlink()
    assert real.read_bytes() == b"new\n"
    assert _leftovers(tmp_path) == []


def test_write_atomic_refuses_a_read_only_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "train.py", b"old\n")
    path.chmod(0o444)
    try:
        if os.access(path, os.W_OK):
            pytest.skip("this user (root?) can write a read-only file")
        with pytest.raises(SourceError) as caught:
            write_atomic(path, b"new\n")
        assert "read-only" in caught.value.reason
        assert path.read_bytes() == b"old\n"
    finally:
        path.chmod(0o644)


def test_write_atomic_refuses_a_folder(tmp_path: Path) -> None:
    (tmp_path / "x.py").mkdir()
    with pytest.raises(SourceError) as caught:
        write_atomic(tmp_path / "x.py", b"new\n")
    assert caught.value.reason == "cannot write: is a directory"


def test_write_atomic_creates_a_missing_file_with_the_usual_mode(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.py", b"x = 1\n")
    finally:
        os.umask(umask)
    assert (tmp_path / "new.py").read_bytes() == b"x = 1\n"
    assert stat.S_IMODE((tmp_path / "new.py").stat().st_mode) == 0o644


@pytest.mark.parametrize(
    ("text", "style", "dominant"),
    [
        ("a\nb\n", "\n", "\n"),
        ("a\r\nb\r\n", "\r\n", "\r\n"),
        ("a\rb\r", "\r", "\r"),
        ("a\r\nb\r\nc\n", "mixed", "\r\n"),
        ("a\nb\r\n", "mixed", "\n"),
        ("no newline", "\n", "\n"),
        ("", "\n", "\n"),
    ],
)
def test_newline_style_and_dominant_newline(text: str, style: str, dominant: str) -> None:
    assert newline_style(text) == style
    assert dominant_newline(text) == dominant


def test_split_lines_splits_only_on_python_newlines() -> None:
    assert split_lines("a\r\nb\rc\nd\x0ce\u2028f") == ["a\r\n", "b\r", "c\n", "d\x0ce\u2028f"]
    assert split_lines("") == []
    assert "".join(split_lines(ROUND_TRIPS["mixed newlines"].decode())) == (
        ROUND_TRIPS["mixed newlines"].decode()
    )


def test_source_is_immutable() -> None:
    source = Source(path="m.py", raw=b"", text="", encoding="utf-8", bom=False)
    with pytest.raises(AttributeError):
        source.text = "x"  # type: ignore[misc]


def test_an_edit_saved_while_fixing_is_never_overwritten(tmp_path: Path) -> None:
    """fix read b"old" and made b"new"; meanwhile an editor saved b"edited": the edit stays."""
    path = _write(tmp_path, "model.py", b"edited\n")
    with pytest.raises(SourceError) as raised:
        write_atomic(path, b"new\n", expected=b"old\n")
    assert raised.value.reason == sources.CHANGED_MEANWHILE
    assert path.read_bytes() == b"edited\n"
    assert [p.name for p in tmp_path.iterdir()] == ["model.py"]  # no temporary file left


def test_a_file_still_as_read_is_replaced(tmp_path: Path) -> None:
    path = _write(tmp_path, "model.py", b"old\n")
    write_atomic(path, b"new\n", expected=b"old\n")
    assert path.read_bytes() == b"new\n"


def test_a_file_deleted_while_fixing_is_not_brought_back(tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    with pytest.raises(SourceError):
        write_atomic(path, b"new\n", expected=b"old\n")
    assert not path.exists()


def test_a_read_only_file_system_is_named_as_such(tmp_path: Path, monkeypatch) -> None:
    """Not "the file is read-only": its permissions are not what stops the write."""
    path = tmp_path / "model.py"
    path.write_text("x = 1\n")
    real_statvfs = os.statvfs

    class ReadOnly:
        def __init__(self, folder: str) -> None:
            self.f_flag = real_statvfs(folder).f_flag | os.ST_RDONLY

    monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)
    monkeypatch.setattr(os, "statvfs", ReadOnly)
    with pytest.raises(SourceError, match="^cannot write: read-only file system$"):
        write_atomic(str(path), b"x = 2\n")
    monkeypatch.setattr(os, "statvfs", real_statvfs)
    with pytest.raises(SourceError, match=r"\(the file is read-only\)"):
        write_atomic(str(path), b"x = 2\n")
