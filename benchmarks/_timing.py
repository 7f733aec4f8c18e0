"""Run commands side by side, interleaved, and report medians and ratios (figures, not pass/fail)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass
class Command:
    label: str
    argv: list[str]
    env: dict[str, str] | None = None


def time_once(command: Command) -> float:
    env = {**os.environ, **(command.env or {})}
    # As users run it: pip compiles an installed package's bytecode, so none is compiled per run.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    subprocess.run(
        command.argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    )
    return time.perf_counter() - start


def measure(commands: list[Command], repeats: int) -> dict[str, float]:
    """Median wall time per command; runs are interleaved so load affects them alike."""
    for command in commands:  # warm the file cache and the interpreter's bytecode cache
        time_once(command)
    samples: dict[str, list[float]] = {c.label: [] for c in commands}
    for _ in range(repeats):
        for command in commands:
            samples[command.label].append(time_once(command))
    return {label: statistics.median(values) for label, values in samples.items()}


def table(medians: dict[str, float], baseline: str, note: str = "") -> str:
    base = medians[baseline]
    width = max(len(label) for label in medians)
    lines = [f"{'command':<{width}}  {'median s':>9}  {'ratio to ' + baseline:>14}"]
    for label, seconds in medians.items():
        lines.append(f"{label:<{width}}  {seconds:>9.3f}  {seconds / base:>13.2f}x")
    if note:
        lines.append(note)
    return "\n".join(lines)


def peak_mib(command: Command) -> float:
    """The largest resident set of the command's process that _peak.py waited for, in MiB."""
    env = {**os.environ, **(command.env or {})}
    result = subprocess.run(
        [sys.executable, str(HERE / "_peak.py"), *command.argv],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(result.stdout.strip())
