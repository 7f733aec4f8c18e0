"""One file, as an editor runs it: `keras-mask-codemod check FILE` beside `black --check FILE`.

Two files: one that mentions no mask producer (the common case: start-up is all that counts) and
one with a finding (analysis, no rewrite). Goals: the clean file faster than black, the file with
a finding within 2x of black. Prints medians and ratios measured side by side in one run.

    python benchmarks/bench_single_file.py [--repeats N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _timing import Command, measure, table

CLEAN = '''"""Training utilities."""

import numpy as np


def batches(data, size):
    for start in range(0, len(data), size):
        yield np.asarray(data[start : start + size])
'''

WITH_FINDING = '''"""A sensor model."""

import keras
from keras import layers


def build_model(steps=50, features=6):
    inputs = keras.Input((steps, features))
    x = layers.Masking(mask_value=-1.0)(inputs)
    x = layers.Conv1D(32, 5, padding="same", activation="relu")(x)
    x = layers.LSTM(16)(x)
    return keras.Model(inputs, layers.Dense(1)(x))
'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    repeats = parser.parse_args().repeats
    tool = [sys.executable, "-m", "codemod"]
    black = [sys.executable, "-m", "black", "--check", "--quiet"]
    with tempfile.TemporaryDirectory() as folder:
        for name, text in (("clean.py", CLEAN), ("with_finding.py", WITH_FINDING)):
            path = Path(folder) / name
            path.write_text(text)
            commands = [
                Command("black --check", [*black, str(path)]),
                Command("keras-mask-codemod check", [*tool, "check", "-q", str(path)]),
            ]
            medians = measure(commands, repeats)
            print(f"\n{name} (median of {repeats} interleaved runs)")
            print(table(medians, "black --check"))


if __name__ == "__main__":
    main()
