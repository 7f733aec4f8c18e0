"""Patches from codemod.output.diff must apply with real `git apply` and `patch -p1`.

Every case writes real files, applies our patch with git (and GNU patch when installed) and
checks the result byte for byte, then compares our hunks with `git diff --no-index` on the
same pair and our `diff_stats` with `git apply --numstat`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codemod.output.diff import diff_stats, unified_diff

GIT = shutil.which("git")
PATCH = shutil.which("patch")

pytestmark = pytest.mark.skipif(GIT is None, reason="git is not installed")

_HUNK_RANGES = re.compile(rb"^@@ (-\S+ \+\S+) @@")


@dataclass(frozen=True)
class Hunk:
    """A hunk reduced to what must match git: its ranges and its body lines."""

    ranges: bytes
    body: tuple[bytes, ...]


def _git_env(home: Path) -> dict[str, str]:
    """Run git without the user's or the system's configuration."""
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        LC_ALL="C",
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.com",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.com",
    )
    return env


def _run(args: list[str], cwd: Path, work: Path, ok_codes: tuple[int, ...] = (0,)) -> bytes:
    result = subprocess.run(args, cwd=cwd, env=_git_env(work), capture_output=True, check=False)
    assert result.returncode in ok_codes, (args, result.returncode, result.stderr.decode())
    return result.stdout


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _hunks(patch: bytes) -> list[Hunk]:
    """Split a patch into hunks; file headers and git's function-name context are dropped."""
    hunks: list[Hunk] = []
    body: list[bytes] = []
    ranges = b""
    for line in patch.split(b"\n"):
        header = _HUNK_RANGES.match(line)
        if header:
            if ranges:
                hunks.append(Hunk(ranges, tuple(body)))
            ranges, body = header.group(1), []
        elif ranges and line[:1] in (b" ", b"-", b"+", b"\\"):
            body.append(line)
    if ranges:
        hunks.append(Hunk(ranges, tuple(body)))
    return hunks


def _changed_lines(hunks: list[Hunk], marker: bytes) -> Counter[bytes]:
    return Counter(line for hunk in hunks for line in hunk.body if line[:1] == marker)


def _git_apply(work: Path, old: bytes, patch: bytes, path: str, *extra: str) -> bytes:
    """Apply the patch to `old` in a fresh git repository and return the file's new bytes."""
    repo = work / "git_repo"
    shutil.rmtree(repo, ignore_errors=True)
    repo.mkdir()
    _run(["git", "init", "-q"], repo, work)
    _write(repo / path, old)
    patch_file = work / "change.patch"
    patch_file.write_bytes(patch)
    _run(["git", "apply", "--check", *extra, str(patch_file)], repo, work)
    _run(["git", "apply", *extra, str(patch_file)], repo, work)
    return (repo / path).read_bytes()


def _gnu_patch(work: Path, old: bytes, patch: bytes, path: str) -> bytes:
    """Apply the patch to `old` with `patch -p1` (dry run first) and return the new bytes."""
    tree = work / "patch_tree"
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir()
    _write(tree / path, old)
    patch_file = work / "change.patch"
    patch_file.write_bytes(patch)
    options = ["--batch", "--silent", "--no-backup-if-mismatch", "--posix", "-i", str(patch_file)]
    _run(["patch", "-p1", "--dry-run", *options], tree, work)
    _run(["patch", "-p1", *options], tree, work)
    return (tree / path).read_bytes()


def _git_diff_no_index(work: Path, old: bytes, new: bytes, context: int = 3) -> bytes:
    """What `git diff --no-index` says about the same two files."""
    _write(work / "git_old" / "file", old)
    _write(work / "git_new" / "file", new)
    return _run(
        [
            "git",
            "diff",
            "--no-index",
            "--no-color",
            "--no-ext-diff",
            f"-U{context}",
            "git_old/file",
            "git_new/file",
        ],
        work,
        work,
        ok_codes=(1,),
    )


def _check_against_git(
    work: Path,
    old: bytes,
    new: bytes,
    *,
    path: str = "pkg/model.py",
    exact: bool = True,
    context: int = 3,
) -> bytes:
    """The behaviour users rely on: the patch applies everywhere and says what git says."""
    patch = unified_diff(old, new, path, context=context)
    assert patch.startswith(b"diff --git ")
    zero_context = ("--unidiff-zero",) if context == 0 else ()
    assert _git_apply(work, old, patch, path, *zero_context) == new
    if PATCH is not None:
        assert _gnu_patch(work, old, patch, path) == new

    numstat = _run(["git", "apply", "--numstat", str(work / "change.patch")], work, work)
    added, removed = numstat.split(b"\t")[:2]
    assert diff_stats(patch) == (int(added), int(removed))

    ours = _hunks(patch)
    theirs = _hunks(_git_diff_no_index(work, old, new, context))
    if exact:
        assert ours == theirs
    else:
        assert _changed_lines(ours, b"-") == _changed_lines(theirs, b"-")
        assert _changed_lines(ours, b"+") == _changed_lines(theirs, b"+")
    return patch


def _numbered(count: int, template: str = "value_{0} = compute({0})\n") -> list[str]:
    return [template.format(index) for index in range(count)]


def _join(lines: list[str], encoding: str = "utf-8") -> bytes:
    return "".join(lines).encode(encoding)


def _model_block() -> list[str]:
    return [
        "x = layers.Masking(mask_value=0.0)(x)\n",
        "x = layers.Conv1D(32, 3, padding='same')(x)\n",
        "x = layers.LSTM(32, return_sequences=True)(x)\n",
    ]


def _simple_cases() -> dict[str, tuple[bytes, bytes]]:
    """Small pairs whose diff is unambiguous, so hunks must equal git's exactly."""
    ten = _numbered(10)
    edited = list(ten)
    edited[4] = "value_4 = compute(40)\n"
    crlf = [line.replace("\n", "\r\n") for line in ten]
    crlf_edited = list(crlf)
    crlf_edited[6] = "value_6 = compute(60)\r\n"
    mixed = [line.replace("\n", "\r\n") if index % 2 else line for index, line in enumerate(ten)]
    mixed_edited = list(mixed)
    mixed_edited[2] = mixed_edited[2].replace("\n", "\r\n")  # only the line ending changes
    mixed_edited[7] = "value_7 = compute(70)\r\n"
    bom = "\ufeffimport keras\nfrom keras import layers\n\nx = layers.Masking()(x)\n"
    non_ascii = "# Ω-mask für Zeitreihen\nname = '日本語'\nunits = 32  # µ\nemoji = '🙂'\n"
    odd_separators = (
        "a = 1\nsection = 'one\x0ctwo'\nb = 2\ntext = 'line\u2028sep and next\u0085line'\nc = 3\n"
    )
    tabs = "def build():\n\tx = Masking()(x)\n\tx = Conv1D(8, 3)(x)\n\treturn x\n"
    return {
        "single edit": (_join(ten), _join(edited)),
        "insert at top": (_join(ten), _join(["import keras\n", *ten])),
        "delete at end": (_join(ten), _join(ten[:-2])),
        "add final newline": (b"a = 1\nb = 2\nc = 3", b"a = 1\nb = 2\nc = 3\n"),
        "remove final newline": (b"a = 1\nb = 2\nc = 3\n", b"a = 1\nb = 2\nc = 3"),
        "no final newline, last line edited": (b"a = 1\nb = 2\nc = 3", b"a = 1\nb = 2\nc = 4"),
        "crlf file": (_join(crlf), _join(crlf_edited)),
        "mixed crlf and lf": (_join(mixed), _join(mixed_edited)),
        "utf-8 bom": (
            bom.encode("utf-8"),
            bom.replace("import keras", "import keras as k").encode("utf-8"),
        ),
        "latin-1 bytes": (
            b"# -*- coding: latin-1 -*-\nname = 'caf\xe9'\nunits = 8\n",
            b"# -*- coding: latin-1 -*-\nname = 'na\xefve caf\xe9'\nunits = 8\n",
        ),
        "non-ascii text": (
            non_ascii.encode("utf-8"),
            non_ascii.replace("日本語", "日本語テキスト").encode("utf-8"),
        ),
        "form feed and unicode separators": (
            odd_separators.encode("utf-8"),
            odd_separators.replace("b = 2", "b = 20").replace("next", "NEXT").encode("utf-8"),
        ),
        "tabs": (tabs.encode(), tabs.replace("Conv1D(8, 3)", "Conv1D(8, 5)").encode()),
        "new file from empty": (b"", _join(ten[:4])),
        "new file without final newline": (b"", b"only = 1"),
        "emptying a file": (_join(ten[:4]), b""),
        "emptying a file without final newline": (b"only = 1", b""),
        "cr-only line endings stay inside one line": (b"a\rb\rc\r\nz\n", b"a\rB\rc\r\nz\n"),
    }


@pytest.mark.parametrize("name", sorted(_simple_cases()))
def test_simple_cases_apply_and_match_git_exactly(tmp_path: Path, name: str) -> None:
    old, new = _simple_cases()[name]
    _check_against_git(tmp_path, old, new)


def test_latin1_patch_keeps_the_raw_bytes(tmp_path: Path) -> None:
    old = b"name = 'caf\xe9'\n"
    new = b"name = 'th\xe9'\n"
    patch = _check_against_git(tmp_path, old, new)
    assert b"-name = 'caf\xe9'\n+name = 'th\xe9'\n" in patch


def test_missing_final_newline_is_marked_on_both_sides(tmp_path: Path) -> None:
    patch = _check_against_git(tmp_path, b"a\nb", b"a\nc")
    assert patch.endswith(b"-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n")


def test_only_the_final_newline_added(tmp_path: Path) -> None:
    patch = _check_against_git(tmp_path, b"a\nb", b"a\nb\n")
    assert patch.endswith(b"@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n")


def test_new_and_emptied_files_use_zero_ranges(tmp_path: Path) -> None:
    created = _check_against_git(tmp_path, b"", b"a\nb\n")
    assert b"\n@@ -0,0 +1,2 @@\n+a\n+b\n" in created
    emptied = _check_against_git(tmp_path, b"a\nb\n", b"")
    assert b"\n@@ -1,2 +0,0 @@\n-a\n-b\n" in emptied


def test_equal_inputs_give_an_empty_patch() -> None:
    assert unified_diff(b"", b"", "a.py") == b""
    assert unified_diff(b"x = 1\r\ny = 2", b"x = 1\r\ny = 2", "a.py") == b""


def test_file_headers_name_the_relative_path() -> None:
    patch = unified_diff(b"a\n", b"b\n", "pkg/model.py")
    assert patch.startswith(
        b"diff --git a/pkg/model.py b/pkg/model.py\n"
        b"--- a/pkg/model.py\n+++ b/pkg/model.py\n@@ -1 +1 @@\n-a\n+b\n"
    )


def test_nearby_edits_share_one_hunk_and_distant_ones_do_not(tmp_path: Path) -> None:
    lines = _numbered(40)
    near = list(lines)
    near[10] = "near_a = 1\n"
    near[17] = "near_b = 1\n"  # six unchanged lines between: contexts touch, one hunk
    patch = _check_against_git(tmp_path, _join(lines), _join(near))
    assert len(_hunks(patch)) == 1

    far = list(lines)
    far[10] = "far_a = 1\n"
    far[18] = "far_b = 1\n"  # seven unchanged lines between: two hunks
    patch = _check_against_git(tmp_path, _join(lines), _join(far))
    assert len(_hunks(patch)) == 2


@pytest.mark.skipif(PATCH is None, reason="GNU patch is not installed")
def test_zero_context_patch_removing_an_unterminated_last_line(tmp_path: Path) -> None:
    old = b"a\nb\nc\nd"
    new = b"a\nB\nc\n"
    patch = unified_diff(old, new, "f.py", context=0)
    assert patch.endswith(b"@@ -2 +2 @@\n-b\n+B\n@@ -4 +3,0 @@\n-d\n\\ No newline at end of file\n")
    assert _gnu_patch(tmp_path, old, patch, "f.py") == new


def _scattered_edits(count: int = 5000) -> tuple[bytes, bytes, int]:
    """A long file with ~20 edits spread through it: replacements, insertions and deletions."""
    lines = _numbered(count)
    edited = list(lines)
    positions = range(count - 150, 0, -(count // 21))  # bottom up, so indexes stay valid
    for number, position in enumerate(positions):
        if number % 3 == 0:
            edited[position] = f"value_{position} = compute({position}) + 1\n"
        elif number % 3 == 1:
            edited.insert(position, f"inserted_{position} = None\n")
        else:
            del edited[position : position + 2]
    return _join(lines), _join(edited), len(positions)


@pytest.mark.parametrize("context", [0, 1, 3, 5])
def test_long_file_with_scattered_edits_matches_git(tmp_path: Path, context: int) -> None:
    old, new, edits = _scattered_edits()
    assert edits >= 20
    patch = _check_against_git(tmp_path, old, new, context=context)
    assert len(_hunks(patch)) == edits


def test_repetitive_model_code_gives_compact_hunks(tmp_path: Path) -> None:
    block = _model_block()
    lines = block * 500
    edited = list(lines)
    edited[301] = "x = layers.Conv1D(64, 3, padding='same')(x)\n"
    edited[900] = "x = layers.Masking(mask_value=-1.0)(x)\n"
    edited.insert(1200, "x = layers.Dropout(0.1)(x)\n")
    del edited[1451]
    patch = _check_against_git(tmp_path, _join(lines), _join(edited), exact=False)
    assert diff_stats(patch) == (3, 3)  # one line per edit, no large replace blocks
    assert len(_hunks(patch)) == 4


def test_repetitive_code_with_repeated_edit_lines_matches_git_counts(tmp_path: Path) -> None:
    lines = _model_block() * 500
    edited = list(lines)
    for position in range(100, 1500, 97):
        edited[position] = "x = layers.Dense(16)(x)\n"
    _check_against_git(tmp_path, _join(lines), _join(edited), exact=False)


@pytest.mark.parametrize(
    "path",
    [
        "with space/model file.py",
        "tést_ünïcode.py",
        'quote"d.py',
        "back\\slash.py",
        "tab\there.py",
    ],
)
def test_unusual_paths_are_quoted_like_git(tmp_path: Path, path: str) -> None:
    old, new = b"a = 1\nb = 2\n", b"a = 1\nb = 3\n"
    _check_against_git(tmp_path, old, new, path=path)

    repo = tmp_path / "header_repo"
    repo.mkdir()
    _run(["git", "init", "-q"], repo, tmp_path)
    _write(repo / path, old)
    _run(["git", "add", "--", path], repo, tmp_path)
    _write(repo / path, new)
    git_patch = _run(["git", "diff", "--no-color", "--no-ext-diff", "--", path], repo, tmp_path)
    without_index_line = re.sub(rb"(?m)^index .*\n", b"", git_patch)
    assert unified_diff(old, new, path) == without_index_line


def _lines(data: bytes) -> list[bytes]:
    return re.findall(rb"[^\n]*\n|[^\n]+\Z", data)


def _longest_common_subsequence(old: list[bytes], new: list[bytes]) -> int:
    """Textbook dynamic programme, an oracle independent of fast_diff_match_patch."""
    previous = [0] * (len(new) + 1)
    for old_line in old:
        current = [0]
        for index, new_line in enumerate(new):
            if old_line == new_line:
                current.append(previous[index] + 1)
            else:
                current.append(max(previous[index + 1], current[index]))
        previous = current
    return previous[-1]


@given(
    old=st.lists(st.sampled_from(["a\n", "b\n", "c\r\n", "\n", "a"]), max_size=12),
    new=st.lists(st.sampled_from(["a\n", "b\n", "c\r\n", "\n", "d\n", "c"]), max_size=12),
)
@settings(max_examples=60, deadline=None)
def test_any_small_pair_applies_and_is_minimal(old: list[str], new: list[str]) -> None:
    """Our patch applies with git and changes the fewest lines possible.

    git's own diff is not always minimal (its xdiff discards some matching lines to save
    time, e.g. for a,a,a,a -> b,a,b,b,b,b,b,b), so ours may change fewer lines, never more.
    """
    old_bytes = "".join(old).encode()
    new_bytes = "".join(new).encode()
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        patch = unified_diff(old_bytes, new_bytes, "f.py")
        if old_bytes == new_bytes:
            assert patch == b""
            return
        assert _git_apply(work, old_bytes, patch, "f.py") == new_bytes
        old_lines, new_lines = _lines(old_bytes), _lines(new_bytes)
        common = _longest_common_subsequence(old_lines, new_lines)
        added, removed = diff_stats(patch)
        assert (added, removed) == (len(new_lines) - common, len(old_lines) - common)

        _write(work / "old", old_bytes)
        _write(work / "new", new_bytes)
        git_patch = _run(
            ["git", "diff", "--no-index", "--no-color", "old", "new"], work, work, ok_codes=(1,)
        )
        git_hunks = _hunks(git_patch)
        assert added <= sum(_changed_lines(git_hunks, b"+").values())
        assert removed <= sum(_changed_lines(git_hunks, b"-").values())


def test_patch_is_smaller_than_git_when_git_gives_up_on_minimality(tmp_path: Path) -> None:
    old, new = b"a\na\na\na\n", b"b\na\nb\nb\nb\nb\nb\nb\n"
    patch = unified_diff(old, new, "f.py")
    assert _git_apply(tmp_path, old, patch, "f.py") == new
    assert diff_stats(patch) == (7, 3)  # keeps the one common "a"; git removes all four


def test_diff_stats_is_not_fooled_by_lines_that_look_like_headers(tmp_path: Path) -> None:
    old = b"-- a sql comment\nkeep\n++ counter\n"
    new = b"keep\n+++ more\n--- less\n"
    patch = _check_against_git(tmp_path, old, new)
    assert diff_stats(patch) == (2, 2)
    assert diff_stats(b"") == (0, 0)


def test_diff_stats_sums_a_multi_file_patch() -> None:
    patch = unified_diff(b"a\nb\n", b"a\nc\nd\n", "one.py") + unified_diff(b"x\n", b"", "two.py")
    assert diff_stats(patch) == (2, 2)


def test_diff_stats_rejects_a_broken_hunk_header() -> None:
    with pytest.raises(ValueError, match="malformed hunk header"):
        diff_stats(b"--- a/x\n+++ b/x\n@@ -1,x +1 @@\n-a\n+b\n")


@pytest.mark.parametrize("path", ["", "/etc/passwd", "../outside.py", "pkg/../../x.py", "a\x00b"])
def test_paths_outside_the_tree_are_refused(path: str) -> None:
    with pytest.raises(ValueError, match="path"):
        unified_diff(b"a\n", b"b\n", path)


def test_negative_context_is_refused() -> None:
    with pytest.raises(ValueError, match="context"):
        unified_diff(b"a\n", b"b\n", "a.py", context=-1)


def test_measure_speed_on_large_and_repetitive_inputs(capsys: pytest.CaptureFixture[str]) -> None:
    """Prints timings for `pytest -s`; deliberately asserts only the output, not the time."""
    old, new, edits = _scattered_edits()
    repetitive_old = _join(_model_block() * 2000)
    repetitive_new = repetitive_old.replace(b"Conv1D(32", b"Conv1D(64", 3)
    rewritten_old = _join(_numbered(20000))
    rewritten_new = _join(_numbered(20000, "other_{0} = rebuild({0})\n"))
    for label, pair in {
        "5,000 lines, scattered edits": (old, new),
        "6,000 repetitive lines": (repetitive_old, repetitive_new),
        "20,000 lines, all rewritten": (rewritten_old, rewritten_new),
    }.items():
        start = time.perf_counter()
        patch = unified_diff(*pair, "model.py")
        elapsed = time.perf_counter() - start
        with capsys.disabled():
            print(f"\n  unified_diff on {label}: {elapsed * 1000:.1f} ms")
        assert patch
    assert diff_stats(unified_diff(repetitive_old, repetitive_new, "m.py")) == (3, 3)
    assert diff_stats(unified_diff(rewritten_old, rewritten_new, "m.py")) == (20000, 20000)
    assert edits >= 20
