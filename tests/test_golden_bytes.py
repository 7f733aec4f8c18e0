"""Awkward but valid files come out byte for byte as expected, in every strategy.

golden/bytes/<case>/input.py holds the exact bytes of a file (latin-1 with a coding cookie, a
UTF-8 BOM, CRLF, mixed newlines, no final newline, tabs, empty, non-ASCII names, form feeds);
check.txt is what `check` prints, fix.<strategy>.txt what `fix` prints and fix.<strategy>.py the
file it leaves (beside the helpers module, or pasting the helpers, as tests/golden.py says).
All are compared byte for byte through the real command (a subprocess, so no text layer
re-encodes anything); `pytest --update-golden` rewrites them.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.golden import GOLDEN, STRATEGIES, compare, compare_absent, fix_outputs, place_input

CASES = sorted(p for p in (GOLDEN / "bytes").iterdir() if (p / "input.py").is_file())
PAIRS = [(case, strategy) for case in CASES for strategy in STRATEGIES]
IDS = [f"{case.name}-{strategy}" for case, strategy in PAIRS]
BOM = b"\xef\xbb\xbf"


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "codemod", *args], cwd=cwd, capture_output=True, check=False
    )


def fixed_by(case: Path, strategy: str, folder: Path) -> tuple[subprocess.CompletedProcess, bytes]:
    place_input(case, folder)
    os.chmod(folder / "input.py", 0o640)
    result = run(folder, "fix", "--strategy", strategy, "-q", "input.py")
    assert stat.S_IMODE(os.stat(folder / "input.py").st_mode) == 0o640, "permissions changed"
    return result, (folder / "input.py").read_bytes()


def test_the_awkward_cases_are_all_here() -> None:
    names = {case.name.split("_", 1)[1] for case in CASES}
    assert {"latin1_coding_cookie", "utf8_bom", "crlf", "mixed_newlines"} <= names
    assert {"no_final_newline", "tabs", "empty"} <= names


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_check_output(case: Path, update_golden: bool) -> None:
    result = run(case, "check", "input.py")
    assert b"Traceback" not in result.stderr
    compare(case / "check.txt", result.stdout, update_golden)
    assert result.returncode == (1 if result.stdout else 0)


@pytest.mark.parametrize(("case", "strategy"), PAIRS, ids=IDS)
def test_fix_output(case: Path, strategy: str, tmp_path: Path, update_golden: bool) -> None:
    result, after = fixed_by(case, strategy, tmp_path)
    assert result.returncode in (0, 1), result.stderr
    lines_path, fixed_path = fix_outputs(case, strategy)
    compare(lines_path, result.stdout, update_golden)
    if after == (case / "input.py").read_bytes():
        compare_absent(fixed_path, update_golden)
    else:
        compare(fixed_path, after, update_golden)


FIXED = [(case, strategy) for case, strategy in PAIRS if fix_outputs(case, strategy)[1].exists()]


def test_every_strategy_rewrites_the_awkward_files() -> None:
    for strategy in STRATEGIES:
        assert sum(s == strategy for _, s in FIXED) >= len(CASES) - 1, strategy


@pytest.mark.parametrize(("case", "strategy"), FIXED, ids=[f"{c.name}-{s}" for c, s in FIXED])
def test_the_file_keeps_its_form(case: Path, strategy: str) -> None:
    """Encoding, BOM, newline style, final newline and indentation survive the rewrite, also in
    the lines the rewrite adds."""
    before = (case / "input.py").read_bytes()
    after = fix_outputs(case, strategy)[1].read_bytes()
    assert after.startswith(BOM) == before.startswith(BOM)
    assert after.endswith(b"\n") == before.endswith(b"\n")
    if b"coding: latin-1" in before:
        assert after.splitlines()[0] == before.splitlines()[0]
        for line in before.splitlines():
            if not line.isascii():
                assert line in after.splitlines(), "a latin-1 line changed"
    if b"\r\n" in before and b"\n" not in before.replace(b"\r\n", b""):
        assert b"\n" not in after.replace(b"\r\n", b""), "a bare LF in a CRLF file"
    if b"\n    " not in before and b"\n\t" in before:
        assert b"\n    " not in after, "spaces in a tab-indented file"


@pytest.mark.parametrize(("case", "strategy"), FIXED, ids=[f"{c.name}-{s}" for c, s in FIXED])
def test_dry_run_diff_applies_and_a_second_fix_changes_nothing(
    case: Path, strategy: str, tmp_path: Path
) -> None:
    expected = fix_outputs(case, strategy)[1].read_bytes()
    place_input(case, tmp_path)
    dry = run(tmp_path, "fix", "--dry-run", "--strategy", strategy, "input.py")
    assert dry.returncode == 1
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "apply"], input=dry.stdout, cwd=tmp_path, check=True)
    assert (tmp_path / "input.py").read_bytes() == expected
    again = run(tmp_path, "fix", "--strategy", strategy, "input.py")
    assert again.returncode == 0, again.stdout + again.stderr
    assert (tmp_path / "input.py").read_bytes() == expected


def long_file(model: bytes, lines: int) -> bytes:
    """`model` followed by a long, plain module body, `lines` lines in all."""
    rows = [b"VOCABULARY = ["]
    rows += [b'    "word_%d",' % n for n in range((lines - model.count(b"\n")) // 2)]
    rows += [b"]"]
    while len(rows) + model.count(b"\n") < lines:
        number = len(rows)
        rows.append(b"SIZE_%d = len(VOCABULARY) + %d" % (number, number))
    return model + b"\n".join(rows) + b"\n"


def test_a_fifty_thousand_line_file(tmp_path: Path) -> None:
    """The model at the top is rewritten as in its golden case; the 50,000 lines after it are
    kept byte for byte."""
    case = GOLDEN / "p18_functional_chain"
    source = long_file((case / "input.py").read_bytes(), 50_000)
    assert source.count(b"\n") == 50_000
    (tmp_path / "big.py").write_bytes(source)
    result = run(tmp_path, "fix", "big.py")
    assert result.returncode == 0, result.stderr
    expected_top = fix_outputs(case, "auto")[1].read_bytes()
    tail = source[len((case / "input.py").read_bytes()) :]
    assert (tmp_path / "big.py").read_bytes() == expected_top + tail
