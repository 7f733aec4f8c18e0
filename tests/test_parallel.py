"""--jobs: worker processes give exactly the output of one process, in path order."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from codemod.engine.parallel import (
    FILES_PER_WORKER_IN_FLIGHT,
    MAX_FILES_PER_TASK,
    MIN_CANDIDATES_FOR_WORKERS,
    _tasks,
    run_in_order,
)
from tests.golden import cases

POSITIVE = [c for c in cases() if c.name.startswith("p")]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """Enough candidates to start workers, mixed with files the text test settles at once."""
    for number, case in enumerate(POSITIVE * 2):
        (tmp_path / f"m{number:03d}.py").write_bytes((case / "input.py").read_bytes())
        (tmp_path / f"plain{number:03d}.py").write_text("x = 1\n")
    assert len(POSITIVE) * 2 >= MIN_CANDIDATES_FOR_WORKERS
    return tmp_path


def run(tree: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codemod", *args],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_with_workers_prints_what_one_process_prints(tree: Path) -> None:
    one = run(tree, "check", "--jobs", "1", ".")
    many = run(tree, "check", "--jobs", "2", ".")
    assert one.returncode == many.returncode == 1
    assert many.stdout == one.stdout and many.stderr == one.stderr
    paths = [line.split(":", 1)[0] for line in one.stdout.splitlines()]
    assert paths == sorted(paths)


def test_fix_with_workers_writes_what_one_process_writes(tree: Path, tmp_path_factory) -> None:
    copy = tmp_path_factory.mktemp("copy")
    for path in tree.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    one = run(tree, "fix", "--jobs", "1", ".")
    many = run(copy, "fix", "--jobs", "2", ".")
    assert many.stdout == one.stdout
    for path in tree.iterdir():
        assert (copy / path.name).read_bytes() == path.read_bytes()


def test_few_candidates_stay_in_this_process() -> None:
    seen: list[str] = []

    def work(path: str) -> str:
        seen.append(path)  # only possible in this very process
        return path.upper()

    paths = [__file__]  # a candidate: this file mentions Masking
    assert list(run_in_order(work, str, paths, jobs=8)) == [__file__.upper()]
    assert seen == paths


def test_results_come_in_path_order_across_many_windows(tmp_path: Path) -> None:
    """More candidates than two windows, of very different sizes, mixed with settled files."""
    paths = []
    for number in range(5 * 2 * FILES_PER_WORKER_IN_FLIGHT):
        path = tmp_path / f"f{number:04d}.py"
        words = "Masking\n" * (1 + (number * 37) % 101) if number % 3 else "x = 1\n"
        path.write_text(words)
        paths.append(str(path))
    got = list(run_in_order(os.path.basename, os.path.dirname, paths, jobs=2))
    assert got == [
        os.path.basename(p) if n % 3 else os.path.dirname(p) for n, p in enumerate(paths)
    ]


def test_tasks_start_with_the_largest_files_and_hold_each_file_once() -> None:
    sizes = [10, 5000, 10, 10, 300, 10, 10, 10, None, 10]
    batch = [i for i, size in enumerate(sizes) if size is not None]
    tasks = _tasks(batch, sizes, workers=2)
    assert tasks[0] == [1]  # the big file goes alone, and first
    assert tasks[1][0] == 4
    assert sorted(i for task in tasks for i in task) == batch
    assert all(len(task) <= MAX_FILES_PER_TASK for task in tasks)
