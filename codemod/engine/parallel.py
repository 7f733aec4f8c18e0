"""Run one function over many files in worker processes, results in the order of the inputs.

Files whose bytes cannot hold a mask producer (the cheap text test) are settled without
analysis; only the others ("candidates") are worked on. Two ways to share the work:

- Forked workers, on Linux, from a process with one thread, over a tree of many files: a forked
  worker starts at once with the modules imported, so the workers read the files too. Each takes
  a run of paths, tests them and works on the candidates, and the test of the whole tree is
  shared between the cores.
- Otherwise (a process with threads, such as a progress bar's, or another system) workers start
  with forkserver, spawn where there is none, which costs about as much as analysing a dozen
  files. This process tests every file first; the candidates go to workers only when there are
  enough of them to pay for that (a single candidate never starts one). Within a window the
  largest files go first, so the run is not held up by one big file at the end. A bare fork
  there would copy only the calling thread: a lock another thread held would stay held.

Results stream back in input order whatever the scheduling, so output is deterministic and
memory stays bounded by the pool's window, not by the size of the tree.
"""

from __future__ import annotations

import functools
import os
import pickle
import selectors
import signal
import struct
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, NoReturn, TypeVar

from codemod.analysis import may_contain_producer
from codemod.analysis.project import ProjectImports
from codemod.engine.sources import read_bytes

if TYPE_CHECKING:  # multiprocessing is imported when workers start: most runs need none
    from concurrent.futures import Future, ProcessPoolExecutor

Result = TypeVar("Result")

# Starting a worker costs about as much as analysing a dozen files, so fewer stay in-process.
MIN_CANDIDATES_FOR_WORKERS = 16
# Forking workers costs about as much as testing this many files (forked workers test them).
MIN_FILES_FOR_FORKED_WORKERS = 256
PATHS_PER_FORKED_TASK = 16
# Runs of paths out at once per forked worker: enough that a run dense with candidates does not
# leave the other workers idle while its results are awaited in order.
FORKED_TASKS_PER_WORKER_IN_FLIGHT = 8
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
        data = read_bytes(path)
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
    if jobs > 1 and len(paths) >= MIN_FILES_FOR_FORKED_WORKERS and _can_fork():
        yield from _forked(work, settle, paths, jobs, roots)
        return
    sizes = [candidate_size(path, roots) for path in paths]
    chosen = [index for index, size in enumerate(sizes) if size is not None]
    if jobs <= 1 or len(chosen) < MIN_CANDIDATES_FOR_WORKERS:
        for path, size in zip(paths, sizes):
            yield settle(path) if size is None else work(path)
        return
    workers = min(jobs, len(chosen))
    with _pool(workers) as pool:
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


def _forked(
    work: Callable[[str], Result],
    settle: Callable[[str], Result],
    paths: Sequence[str],
    jobs: int,
    roots: tuple[str, ...],
) -> Iterator[Result]:
    """Forked workers test and work on runs of paths; settled files come back as None and are
    settled here."""
    runs = [
        paths[i : i + PATHS_PER_FORKED_TASK] for i in range(0, len(paths), PATHS_PER_FORKED_TASK)
    ]
    ahead = jobs * FORKED_TASKS_PER_WORKER_IN_FLIGHT
    task = functools.partial(_test_and_work, work, roots)
    workers = _ForkedWorkers(min(jobs, len(runs)), lambda number: task(runs[number]))
    try:
        sent = 0
        for number, run in enumerate(runs):
            while sent < min(number + ahead, len(runs)):
                workers.send(sent)
                sent += 1
            for path, result in zip(run, workers.results_of(number)):
                yield settle(path) if result is None else result
    finally:
        workers.close()


class _ForkedWorkers:
    """Worker processes forked from this one, each running `task` on the numbers (of runs of
    paths, which they hold since the fork) sent to them. Forked, they start at once with every
    module imported; a ProcessPoolExecutor would first import multiprocessing here, a tenth of
    the start of a check over a package's tree.

    The numbers go out on one pipe that every worker reads, so whichever is free takes the next:
    each number is 8 bytes written at once, and read at once by one worker (a pipe keeps a write
    of up to PIPE_BUF bytes whole). Each worker sends back its results on a pipe of its own."""

    def __init__(self, count: int, task: Callable[[int], list]) -> None:
        self.done: dict[int, list] = {}
        self.pids: list[int] = []
        self.readers = selectors.DefaultSelector()
        self.runs_in, self.runs_out = os.pipe()
        sys.stdout.flush()  # a forked worker would write out what is still buffered here again
        sys.stderr.flush()
        try:
            for _ in range(count):
                reader, writer = os.pipe()
                pid = os.fork()
                if pid == 0:
                    theirs = [reader, self.runs_out, *self.readers.get_map()]
                    _serve(self.runs_in, writer, task, theirs)
                os.close(writer)
                self.readers.register(reader, selectors.EVENT_READ)
                self.pids.append(pid)
        except BaseException:
            self.close()
            raise

    def send(self, number: int) -> None:
        os.write(self.runs_out, _NUMBER.pack(number))

    def results_of(self, number: int) -> list:
        """The results of run `number`, once a worker sends them (others are kept meanwhile)."""
        while number not in self.done:
            for key, _ in self.readers.select():
                done, failure, results = _receive(key.fd)
                if failure is not None:
                    raise failure
                self.done[done] = results
        return self.done.pop(number)

    def close(self) -> None:
        """Runs not taken yet are dropped; each worker finishes the run in hand (a file being
        written is written whole) and ends, and is waited for."""
        os.set_blocking(self.runs_in, False)
        try:
            while os.read(self.runs_in, 4096):
                pass
        except BlockingIOError:
            pass
        os.close(self.runs_out)  # a worker reading the next run meets the end of the pipe
        os.close(self.runs_in)
        for key in list(self.readers.get_map().values()):
            os.close(key.fd)  # a worker sending results no one reads now stops
        self.readers.close()
        for pid in self.pids:
            os.waitpid(pid, 0)


_NUMBER = struct.Struct("<Q")  # a run's number; also the length of a message that follows


def _serve(runs: int, results: int, task: Callable[[int], list], theirs: list[int]) -> NoReturn:
    """A forked worker: the results of each run number it reads are sent back, until the pipe
    of numbers ends. It never returns into the code that forked it. `theirs`: the ends of the
    pipes it inherited that are the parent's or other workers' (kept open, the number pipe
    would never end)."""
    status = 0
    try:
        _leave_interrupts_to_the_parent()
        for fd in theirs:
            os.close(fd)
        while number := os.read(runs, _NUMBER.size):
            (number,) = _NUMBER.unpack(number)
            try:
                message = pickle.dumps((number, None, task(number)), pickle.HIGHEST_PROTOCOL)
            except Exception as error:  # noqa: BLE001 - raised again in the parent
                message = _failure(number, error)
            _write_all(results, _NUMBER.pack(len(message)) + message)
    except BaseException:  # noqa: BLE001 - the parent stopped reading, or was interrupted
        status = 1
    finally:
        os._exit(status)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _failure(number: int, error: Exception) -> bytes:
    try:
        return pickle.dumps((number, error, None), pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - an error that cannot travel is described instead
        described = RuntimeError(f"{type(error).__name__}: {error}")
        return pickle.dumps((number, described, None), pickle.HIGHEST_PROTOCOL)


def _receive(reader: int) -> tuple[int, Exception | None, list]:
    """A worker's message: (run number, its failure or None, its results)."""
    (size,) = _NUMBER.unpack(_read_exactly(reader, _NUMBER.size))
    return pickle.loads(_read_exactly(reader, size))


def _read_exactly(fd: int, size: int) -> bytes:
    parts = []
    while size:
        part = os.read(fd, min(size, 1 << 20))
        if not part:
            raise RuntimeError("a worker process ended unexpectedly")
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def _pool(workers: int) -> ProcessPoolExecutor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    method = "forkserver" if "forkserver" in methods else "spawn"
    sys.stdout.flush()  # a forked worker would write out what is still buffered here again
    sys.stderr.flush()
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(method),
        initializer=_leave_interrupts_to_the_parent,
    )


def _can_fork() -> bool:
    return sys.platform == "linux" and threading.active_count() == 1


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


def _test_and_work(
    work: Callable[[str], Result], roots: tuple[str, ...], paths: Sequence[str]
) -> list[Result | None]:
    return [None if candidate_size(path, roots) is None else work(path) for path in paths]
