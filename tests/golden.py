"""Finding golden cases and comparing outputs with their expected files, byte for byte."""

from __future__ import annotations

from pathlib import Path

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


def cases() -> list[Path]:
    return sorted(p for p in GOLDEN.iterdir() if (p / "input.py").is_file())


STRATEGIES = ("auto", "mask-aware", "lambda", "remove")


def fix_outputs(case: Path, strategy: str) -> tuple[Path, Path]:
    """golden/<case>/fix.<strategy>.txt (the lines fix prints) and .py (the file after fix,
    present only when fix changes it)."""
    return case / f"fix.{strategy}.txt", case / f"fix.{strategy}.py"


def compare_absent(expected_path: Path, update: bool) -> None:
    """Assert there is no expected file (nothing to expect); with --update-golden delete it."""
    if update:
        expected_path.unlink(missing_ok=True)
        return
    assert not expected_path.exists(), f"{expected_path} should not exist: fix changes nothing"


def compare(expected_path: Path, actual: bytes, update: bool) -> None:
    """Assert `actual` equals the expected file; with --update-golden write it instead."""
    if update:
        expected_path.write_bytes(actual)
        return
    assert expected_path.exists(), f"{expected_path} is missing: run pytest --update-golden"
    expected = expected_path.read_bytes()
    assert actual == expected, (
        f"{expected_path.relative_to(GOLDEN.parent)} differs:\n"
        f"--- expected\n{expected.decode(errors='replace')}\n--- actual\n{actual.decode(errors='replace')}"
    )
