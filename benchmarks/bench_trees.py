"""Repository-scale figures, each measured side by side in one run (figures, not pass/fail).

(a) sparse: the installed keras package's own source. `check` beside `ruff check` on the same
    files and beside libcst's own codemod CLI running a no-op visitor that asks for qualified
    names (benchmarks/libcst_noop.py). Goals: within 2x of ruff, at least 50x faster than libcst.
(b) dense: 1,000 generated Keras model files in a mix of API styles (the golden inputs, varied),
    every one with findings. `check` and `fix --dry-run` beside the libcst no-op. Goal: at least
    3x faster than libcst. Files per second and peak memory are reported.
(c) scale: peak memory of `check` and `fix --dry-run` over 10,000 dense files against 1,000.
    Goal: flat.

Peak memory is the largest single process's resident set (benchmarks/_peak.py).

    python benchmarks/bench_trees.py [--only sparse|dense|scale] [--repeats N]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _timing import Command, measure, peak_mib, table

GOLDEN = HERE.parent / "golden"


def keras_tree() -> Path:
    spec = importlib.util.find_spec("keras")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("keras is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def dense_tree(folder: Path, count: int) -> Path:
    """`count` model files, 100 per package, cycling through the positive golden inputs."""
    inputs = [p / "input.py" for p in sorted(GOLDEN.iterdir()) if p.name.startswith("p")]
    for number in range(count):
        package = folder / f"pkg{number // 100:03d}"
        package.mkdir(parents=True, exist_ok=True)
        text = inputs[number % len(inputs)].read_text() + f"\n# variant {number}\n"
        (package / f"model_{number:05d}.py").write_text(text)
    return folder


def ours(*args: str) -> list[str]:
    return [sys.executable, "-m", "codemod", *args]


def libcst_noop(tree: Path) -> Command:
    argv = [
        sys.executable, "-m", "libcst.tool", "codemod", "-x", "--no-format", "--hide-progress",
        "libcst_noop.NoOp", str(tree),
    ]  # fmt: skip
    return Command("libcst codemod CLI (no-op)", argv, {"PYTHONPATH": str(HERE)})


def report(title: str, commands: list[Command], repeats: int, baseline: str, files: int) -> None:
    medians = measure(commands, repeats)
    print(f"\n{title} ({files} files, median of {repeats} interleaved runs)")
    print(table(medians, baseline))
    for command in commands:
        seconds = medians[command.label]
        print(
            f"  {command.label}: {files / seconds:,.0f} files/s, peak {peak_mib(command):.0f} MiB"
        )


def sparse(repeats: int) -> None:
    tree = keras_tree()
    files = sum(1 for _ in tree.rglob("*.py"))
    commands = [Command("keras-mask-codemod check", ours("check", "-q", str(tree)))]
    ruff = shutil.which(
        "ruff", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    )
    if ruff:
        ruff_argv = [ruff, "check", "--isolated", "--no-cache", "--exit-zero", "-q", str(tree)]
        commands.append(Command("ruff check", ruff_argv))
    commands.append(libcst_noop(tree))
    report("(a) sparse: the keras source", commands, repeats, commands[0].label, files)


def dense(repeats: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        tree = dense_tree(Path(folder), 1000)
        commands = [
            Command("keras-mask-codemod check", ours("check", "-q", str(tree))),
            Command("keras-mask-codemod fix --dry-run", ours("fix", "--dry-run", "-q", str(tree))),
            libcst_noop(tree),
        ]
        report("(b) dense: generated model files", commands, repeats, commands[0].label, 1000)


def scale() -> None:
    print("\n(c) scale: peak memory (MiB), 1,000 against 10,000 dense files")
    for label, args in (("check", ("check", "-q")), ("fix --dry-run", ("fix", "--dry-run", "-q"))):
        peaks = []
        for count in (1000, 10000):
            with tempfile.TemporaryDirectory() as folder:
                tree = dense_tree(Path(folder), count)
                peaks.append(peak_mib(Command(label, ours(*args, str(tree)))))
        print(
            f"  {label}: {peaks[0]:.0f} MiB at 1,000, {peaks[1]:.0f} MiB at 10,000 "
            f"({peaks[1] / peaks[0]:.2f}x)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("sparse", "dense", "scale"))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if args.only in (None, "sparse"):
        sparse(args.repeats)
    if args.only in (None, "dense"):
        dense(args.repeats)
    if args.only in (None, "scale"):
        scale()


if __name__ == "__main__":
    main()
