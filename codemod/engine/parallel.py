"""Run one function over many files in worker processes, results in the order of the inputs.

Files whose bytes cannot hold a mask producer (the cheap text test) are settled in this process
without a worker; only the others ("candidates") go to the pool, and only when there are enough
of them to pay for starting workers (a single candidate never starts one). Workers are forked
on Linux from a process that has one thread: a forked worker starts at once, with the modules
already imported. A process with threads (a progress bar's) starts them with forkserver, spawn
where there is none: a fork copies only the calling thread, so a lock another thread held would
stay held in the worker. Results stream back in input order whatever the scheduling, so output is
deterministic and memory stays bounded by the pool's window, not by the size of the tree.
Within a window the largest files go first, so the run is not held up by one big file at the end.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

from codemod.analysis import may_contain_producer
from codemod.analysis.project import ProjectImports

Result = TypeVar("Result")

# Starting a worker costs about as much as analysing a dozen files, so fewer stay in-process.
MIN_CANDIDATES_FOR_WORKERS = 16
# Results are taken in path order; at most two windows of this many files per worker are
# submitted at once, which bounds the memory held by finished results whatever the tree size.
FILES_PER_WORKER_IN_FLIGHT = 32
MAX_FILES_PER_TASK = 16


def _leave_interrupts_to_the_parent() -> None:
    """Ctrl-C reaches every process of the group. Workers ignore it: each finishes the file in
    hand (writes are atomic either way) and the parent stops the pool, so no worker prints a
    KeyboardInterrupt traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def default_jobs() -> int:
    return os.cpu_count() or 1


def candidate_size(path: str, roots: tuple[str, ...] = ()) -> int | None:
    """The file's size when it may hold a mask producer, or import a module of the project
    (below `roots`) that may; None when the text test settles it.

    Unreadable files count as candidates: the worker says why they cannot be read.
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return 0
    # Bytes the decoder will refuse (UTF-16/32, NUL) go to the worker too, to be reported.
    if b"\x00" in data or may_contain_producer(data):
        return len(data)
    return len(data) if ProjectImports(path, roots).imports_producer(data) else None


def run_in_order(
    work: Callable[[str], Result],
    settle: Callable[[str], Result],
    paths: Sequence[str],
    jobs: int,
    roots: tuple[str, ...] = (),
) -> Iterator[Result]:
    """`work(path)` for candidates and `settle(path)` (cheap, here) for the rest, in path order.
    `roots` bound the project whose modules the files may import (analysis/project.py)."""
    sizes = [candidate_size(path, roots) for path in paths]
    chosen = [index for index, size in enumerate(sizes) if size is not None]
    if jobs <= 1 or len(chosen) < MIN_CANDIDATES_FOR_WORKERS:
        for path, size in zip(paths, sizes):
            yield settle(path) if size is None else work(path)
        return
    workers = min(jobs, len(chosen))
    context = multiprocessing.get_context(_start_method())
    sys.stdout.flush()  # a forked worker would write out what is still buffered here again
    sys.stderr.flush()
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_leave_interrupts_to_the_parent
    ) as pool:
        window = workers * FILES_PER_WORKER_IN_FLIGHT
        batches = [chosen[start : start + window] for start in range(0, len(chosen), window)]
        pending: dict[int, tuple[Future[list[Result]], int]] = {}

        def submit(batch: int) -> None:
            if batch < len(batches):
                for task in _tasks(batches[batch], sizes, workers):
                    future = pool.submit(_work_each, work, [paths[i] for i in task])
                    pending.update((index, (future, place)) for place, index in enumerate(task))

        submit(0)
        submit(1)
        try:
            done = 0
            for index, path in enumerate(paths):
                if sizes[index] is None:
                    yield settle(path)
                    continue
                if done and done % window == 0:  # batch k starts: k + 1 joins k in flight
                    submit(done // window + 1)
                done += 1
                future, place = pending.pop(index)
                yield future.result()[place]
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _start_method() -> str:
    methods = multiprocessing.get_all_start_methods()
    if sys.platform == "linux" and "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def collect(
    results: Iterable[Result],
    total: int,
    progress=None,
    each: Callable[[Result], None] | None = None,
) -> list[Result]:
    """The results in a list, `each` called on every one as it arrives (to show it at once),
    and the progress bar (start/advance/stop) told about all `total` of them."""
    collected: list[Result] = []
    if progress is not None:
        progress.start(total)
    try:
        for result in results:
            if each is not None:
                each(result)
            collected.append(result)
            if progress is not None:
                progress.advance()
    finally:
        if progress is not None:
            progress.stop()
    return collected


def _tasks(batch: list[int], sizes: Sequence[int | None], workers: int) -> list[list[int]]:
    """The batch's files cut into tasks, largest first, so that one big file does not start last
    and hold up the run. A task holds files worth about a quarter of a worker's share of bytes
    (a big file goes alone), which spreads the work evenly and keeps the cost of sending tasks
    small beside the work in them."""
    ordered = sorted(batch, key=lambda index: -(sizes[index] or 0))
    budget = sum(sizes[index] or 0 for index in batch) / (workers * 4)
    tasks: list[list[int]] = [[]]
    weight = 0
    for index in ordered:
        if tasks[-1] and (weight >= budget or len(tasks[-1]) == MAX_FILES_PER_TASK):
            tasks.append([])
            weight = 0
        tasks[-1].append(index)
        weight += sizes[index] or 0
    return tasks


def _work_each(work: Callable[[str], Result], paths: list[str]) -> list[Result]:
    return [work(path) for path in paths]
