"""Run one file's rewrite on a thread with a large stack.

libcst's native parser recurses once per level of some constructs (a long `a and b and ...`
chain, a long elif chain) and drops deep trees recursively. On the usual 8 MB stack a file with
about ten thousand such levels crashes the process with a segmentation fault: the run stops with
no message and, with workers, every later file is lost. On a 512 MB stack the same files reach
Python's recursion limit first, which the rewrite reports as one line. Only address space is
reserved: memory is used as deep recursion reaches it.

`check` does not need this: the analysis is Python and `ast`, which stop at the recursion limit
with an exception. One daemon thread per process serves every call, since starting a thread per
file would cost more than analysing most files; being a daemon, it never holds up exit after
Ctrl-C. Handing a call over costs about 60 microseconds.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

Result = TypeVar("Result")

STACK_BYTES = 512 * 1024 * 1024


@dataclass
class _Call:
    function: Callable[[], Any]
    done: threading.Event = field(default_factory=threading.Event)
    succeeded: bool = False
    value: Any = None


class _Server:
    """The thread with the large stack, and the queue of calls it runs one at a time."""

    def __init__(self) -> None:
        self.calls: queue.SimpleQueue[_Call] = queue.SimpleQueue()
        self.pid = os.getpid()  # a forked child has no copy of the thread: it starts its own
        previous = threading.stack_size()
        try:
            threading.stack_size(STACK_BYTES)
            thread = threading.Thread(target=self._serve, name="keras-mask-codemod", daemon=True)
            thread.start()
        finally:
            threading.stack_size(previous)

    def _serve(self) -> None:
        while True:
            call = self.calls.get()
            try:
                call.value = call.function()
                call.succeeded = True
            except BaseException as error:  # noqa: BLE001 - handed back to the caller's thread
                call.value = error
            call.done.set()


_server: _Server | None = None
_server_lock = threading.Lock()
_unavailable = False  # no room for such a thread here (a tight address-space limit)


def on_large_stack(function: Callable[[], Result]) -> Result:
    """`function()` on the large-stack thread: its result, or its exception re-raised here.

    Where that thread cannot be started, `function()` runs on the caller's own stack.
    """
    server = _get_server()
    if server is None:
        return function()
    call = _Call(function)
    server.calls.put(call)
    call.done.wait()
    if call.succeeded:
        return call.value
    raise call.value


def _get_server() -> _Server | None:
    global _server, _unavailable
    with _server_lock:
        if _unavailable:
            return None
        if _server is None or _server.pid != os.getpid():
            try:
                _server = _Server()
            except (RuntimeError, ValueError, MemoryError):
                _unavailable = True
                return None
        return _server
