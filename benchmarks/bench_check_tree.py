"""`check` over a real, sparse tree (the installed keras package's own source) beside `ruff check`.

Measures our check with the cheap text test (the default) and without it, against ruff on the same
files (one rule, F401, the goal's baseline: a rule that reads every import, as we do; and ruff's
default rules), in one run on this machine. Usage: python benchmarks/bench_check_tree.py [TREE] [--repeats N]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import Command, measure, table


def default_tree() -> str:
    spec = importlib.util.find_spec("keras")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("keras is not installed: pass a TREE")
    return next(iter(spec.submodule_search_locations))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("tree", nargs="?", default=None)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    tree = args.tree or default_tree()
    files = sum(1 for _ in Path(tree).rglob("*.py"))
    ours = [sys.executable, "-m", "codemod", "check", "--quiet", tree]
    commands = [
        Command("keras-mask-codemod check", ours),
        Command("  without the text test", ours, {"KERAS_MASK_CODEMOD_NO_TEXT_TEST": "1"}),
    ]
    ruff = shutil.which(
        "ruff", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    )
    if ruff:
        isolated = [ruff, "check", "--isolated", "--no-cache", "--exit-zero", "-q"]
        commands.append(Command("ruff check --select F401", [*isolated, "--select", "F401", tree]))
        commands.append(Command("ruff check (default rules)", [*isolated, tree]))
    medians = measure(commands, args.repeats)
    print(f"tree: {tree} ({files} .py files), median of {args.repeats} interleaved runs")
    baseline = "ruff check --select F401" if ruff else "keras-mask-codemod check"
    print(table(medians, baseline))


if __name__ == "__main__":
    main()
