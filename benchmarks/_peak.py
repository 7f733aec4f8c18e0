"""Run a command and print its peak resident memory in MiB (the largest single process among it
and the children it waited for), for the memory columns of the benchmarks."""

from __future__ import annotations

import resource
import subprocess
import sys

if __name__ == "__main__":
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"{peak_kib / 1024:.1f}")
