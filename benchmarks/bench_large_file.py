"""One very long file: a model at the top of a 40,000-line module (a generated vocabulary and
helper functions below it). `check` and `fix --dry-run` beside `black --check` and libcst's own
codemod CLI running a no-op visitor (benchmarks/libcst_noop.py) on the same file: the floor for
any tool that parses the file with libcst. Prints medians and ratios from one interleaved run.

    python benchmarks/bench_large_file.py [--lines N] [--repeats N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _timing import Command, measure, table

HERE = Path(__file__).resolve().parent
MODEL = HERE.parent / "golden" / "p18_functional_chain" / "input.py"


def long_module(lines: int) -> str:
    """The model, then functions and a vocabulary list until the file has `lines` lines."""
    parts = [MODEL.read_text()]
    count = parts[0].count("\n")
    number = 0
    while count < lines // 2:
        parts.append(f"\n\ndef step_{number}(x):\n    return x * {number} + len(str(x))\n")
        count += 4
        number += 1
    parts.append("\nVOCABULARY = [\n")
    count += 2
    while count < lines - 1:
        parts.append(f'    "word_{count}",\n')
        count += 1
    parts.append("]\n")
    return "".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=40_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "long_model.py"
        path.write_text(long_module(args.lines))
        libcst = [
            sys.executable, "-m", "libcst.tool", "codemod", "-x", "--no-format",
            "--hide-progress", "libcst_noop.NoOp", str(path),
        ]  # fmt: skip
        commands = [
            Command("keras-mask-codemod check", [sys.executable, "-m", "codemod", "check", "-q", str(path)]),
            Command("keras-mask-codemod fix --dry-run", [sys.executable, "-m", "codemod", "fix", "--dry-run", "-q", str(path)]),
            Command("black --check", [sys.executable, "-m", "black", "--check", "-q", str(path)]),
            Command("libcst codemod CLI (no-op)", libcst, {"PYTHONPATH": str(HERE)}),
        ]  # fmt: skip
        medians = measure(commands, args.repeats)
        lines = path.read_text().count("\n")
        print(f"\none file of {lines:,} lines (median of {args.repeats} interleaved runs)")
        print(table(medians, "keras-mask-codemod fix --dry-run"))


if __name__ == "__main__":
    main()
