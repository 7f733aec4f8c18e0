"""A run interrupted (SIGINT or SIGKILL) halfway through a large tree leaves every file wholly old
or wholly new, and nothing a rerun trips over; the rerun finishes the job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codemod.rewrite.pipeline import fix_text
from tests.golden import GOLDEN

SOURCE = (GOLDEN / "p18_functional_chain" / "input.py").read_text()
FIXED = fix_text(SOURCE).text
FILES = 600

pytestmark = pytest.mark.skipif(os.name != "posix", reason="signals to a process group")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for number in range(FILES):
        package = tmp_path / f"pkg{number // 100}"
        package.mkdir(exist_ok=True)
        (package / f"m{number:04d}.py").write_text(SOURCE)
    return tmp_path


# Ctrl-C in a terminal reaches a foreground job whose SIGINT is at its default: Python then turns
# it into KeyboardInterrupt. A test run started in the background by a non-interactive shell has
# SIGINT ignored, which exec passes on, and Python leaves it ignored; so the command is started
# through a Python that puts SIGINT back to its default first.
AS_A_FOREGROUND_JOB = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])"
)


def interrupt_midway(tree: Path, sig: signal.Signals) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            AS_A_FOREGROUND_JOB,
            "-m",
            "codemod",
            "fix",
            "-q",
            "--jobs",
            "2",
            str(tree),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the signal reaches the workers too
    )
    # Files are written roughly in path order (those sharing a helpers module all at the end, in
    # one burst); watching the first few (not all 600) and stopping at the first written keeps
    # this loop fast enough to catch the run midway even on a loaded machine.
    first = sorted(tree.rglob("*.py"))[:8]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if any(path.read_text() == FIXED for path in first):
            break
        time.sleep(0.005)
    os.killpg(process.pid, sig)
    _, stderr = process.communicate(timeout=60)
    assert b"Traceback" not in stderr
    if sig is signal.SIGINT:  # one line says so, and that more files than listed may be written
        assert process.returncode == 130
        assert (
            stderr.decode()
            .splitlines()[-1]
            .startswith(
                "keras-mask-codemod: interrupted; files written so far may be more than the lines above"
            )
        )
    return process


def states(tree: Path) -> tuple[int, int]:
    old = new = 0
    for path in tree.rglob("*.py"):
        text = path.read_text()
        assert text in (SOURCE, FIXED), f"{path} is neither wholly old nor wholly new"
        old, new = old + (text == SOURCE), new + (text == FIXED)
    return old, new


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_an_interrupted_fix_leaves_whole_files_and_a_rerun_finishes(
    tree: Path, sig: signal.Signals
) -> None:
    interrupt_midway(tree, sig)
    old, new = states(tree)
    assert new >= 1 and old >= 1 and old + new == FILES  # really stopped midway
    if sig is signal.SIGINT:  # cleaned up on the way out; SIGKILL leaves no chance to
        assert not list(tree.rglob(".keras-mask-codemod-*.tmp"))
    rerun = subprocess.run(
        [sys.executable, "-m", "codemod", "fix", "-q", str(tree)], capture_output=True, check=False
    )
    assert rerun.returncode == 0, rerun.stderr
    assert states(tree) == (0, FILES)
