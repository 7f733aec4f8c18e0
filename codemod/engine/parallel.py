"""Run one function over many files in worker processes, results in the order of the inputs.

Files whose bytes cannot hold a mask producer (the cheap text test) are settled in this process
without a worker; only the others ("candidates") go to the pool, and only when there are enough
of them to pay for starting workers (a single candidate never starts one). Workers are started
with forkserver (spawn where there is none), never a bare fork, which is unsafe in a process that
has threads. Results stream back in input order whatever the scheduling, so output is
deterministic and memory stays bounded by the pool's window, not by the size of the tree.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

from codemod.analysis import may_contain_producer

Result = TypeVar("Result")

# Starting a worker costs about as much as analysing a dozen files, so fewer stay in-process.
MIN_CANDIDATES_FOR_WORKERS = 16


def _leave_interrupts_to_the_parent() -> None:
    """Ctrl-C reaches every process of the group. Workers ignore it: each finishes the file in
    hand (writes are atomic either way) and the parent stops the pool, so no worker prints a
    KeyboardInterrupt traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def default_jobs() -> int:
    return os.cpu_count() or 1


def is_candidate(path: str) -> bool:
    """Whether the file may hold a mask producer (unreadable files count: the worker says why)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return True
    # Bytes the decoder will refuse (UTF-16/32, NUL) go to the worker too, to be reported.
    return b"\x00" in data or may_contain_producer(data)


def run_in_order(
    work: Callable[[str], Result],
    settle: Callable[[str], Result],
    paths: Sequence[str],
    jobs: int,
) -> Iterator[Result]:
    """`work(path)` for candidates and `settle(path)` (cheap, here) for the rest, in path order."""
    candidates = [is_candidate(path) for path in paths]
    chosen = [path for path, candidate in zip(paths, candidates) if candidate]
    if jobs <= 1 or len(chosen) < MIN_CANDIDATES_FOR_WORKERS:
        for path, candidate in zip(paths, candidates):
            yield work(path) if candidate else settle(path)
        return
    workers = min(jobs, len(chosen))
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_leave_interrupts_to_the_parent
    ) as pool:
        chunk = max(1, min(16, len(chosen) // (workers * 4)))
        results = pool.map(work, chosen, chunksize=chunk)
        try:
            for path, candidate in zip(paths, candidates):
                yield next(results) if candidate else settle(path)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
