"""Lines a rewrite makes too long are split as black splits them, at every line length.

A swap makes a line longer (`Conv1D(` becomes `MaskedConv1D(`). Each model below is written with
arguments of growing width, formatted by black at the project's line length (so the input is
black-clean), fixed at that line length, and must then pass `black --check` and `ruff format
--check` unchanged: fix splits the line exactly as the formatter would, or the line was short
enough to stay.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from codemod.rewrite.pipeline import fix_text
from codemod.rewrite.style import CodeStyle

HEADER = "import keras\nfrom keras.layers import LSTM, Conv1D, GlobalMaxPooling1D, Masking\n\n\n"
SHAPES = {
    "assigned call": (
        "def build_model():\n"
        "    inputs = keras.Input((14, 3))\n"
        "    x = Masking(mask_value=0.0)(inputs)\n"
        "    x = Conv1D({args})(x)\n"
        "    return keras.Model(inputs, LSTM(8)(x))\n"
    ),
    "call inside a call": (
        "def build_model():\n"
        "    inputs = keras.Input((14, 3))\n"
        "    x = Masking(mask_value=0.0)(inputs)\n"
        "    y = LSTM(8)(Conv1D({args})(x))\n"
        "    return keras.Model(inputs, y)\n"
    ),
    "model.add": (
        "def build_model():\n"
        "    model = keras.Sequential()\n"
        "    model.add(keras.Input((14, 3)))\n"
        "    model.add(Masking(mask_value=0.0))\n"
        "    model.add(Conv1D({args}))\n"
        "    model.add(LSTM(8))\n"
        "    return model\n"
    ),
    "nested in a class method": (
        "class Model(keras.Model):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.masking = Masking(mask_value=0.0)\n"
        "        self.lstm = LSTM(8)\n\n"
        "    def call(self, inputs):\n"
        "        x = self.masking(inputs)\n"
        "        if True:\n"
        "            x = Conv1D({args})(x)\n"
        "        return self.lstm(x)\n"
    ),
    "item of a Sequential list": (
        "def build_model():\n"
        "    return keras.Sequential(\n"
        "        [\n"
        "            keras.Input((14, 3)),\n"
        "            Masking(mask_value=0.0),\n"
        "            Conv1D({args}),\n"
        "            LSTM(8),\n"
        "        ]\n"
        "    )\n"
    ),
    "last argument alone on its line": (
        "def build_model():\n"
        "    model = keras.Sequential([keras.Input((14, 3)), Masking(mask_value=0.0)])\n"
        "    model.add(\n"
        "        Conv1D({args})\n"
        "    )\n"
        "    model.add(LSTM(8))\n"
        "    return model\n"
    ),
    "pooling after the convolution": (
        "def build_model():\n"
        "    inputs = keras.Input((14, 3))\n"
        "    x = Masking(mask_value=0.0)(inputs)\n"
        "    x = Conv1D(4, 3, padding='same')(x)\n"
        "    x = GlobalMaxPooling1D(data_format='channels_last', name='pool{pad}')(x)\n"
        "    return keras.Model(inputs, x)\n"
    ),
}
LINE_LENGTHS = (79, 88, 100)
WIDTHS = range(0, 90, 2)


def arguments(width: int) -> str:
    return f'filters=16, kernel_size=3, name="c{"x" * width}"'


def _tool(*command: str, folder: Path, line_length: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *command, "--line-length", str(line_length), "."],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )


def _black(folder: Path, line_length: int, *options: str) -> subprocess.CompletedProcess[str]:
    return _tool("black", "-q", *options, folder=folder, line_length=line_length)


@pytest.mark.parametrize("strategy", ["mask-aware", "lambda"])
@pytest.mark.parametrize("line_length", LINE_LENGTHS)
def test_fixed_lines_are_split_as_black_and_ruff_split_them(
    tmp_path: Path, line_length: int, strategy: str
) -> None:
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    inputs.mkdir()
    outputs.mkdir()
    for name, shape in SHAPES.items():
        for width in WIDTHS:
            text = HEADER + shape.replace("{args}", arguments(width)).replace("{pad}", "x" * width)
            stem = f"{name.replace(' ', '_').replace('.', '_')}_{width}"
            (inputs / f"{stem}.py").write_text(text)
    assert _black(inputs, line_length).returncode == 0  # the inputs, black-clean
    style = CodeStyle(line_length=line_length)
    long_lines = changed = 0
    for path in sorted(inputs.glob("*.py")):
        text = path.read_text()
        fixed = fix_text(text, strategy, style=style, helpers_module="h").text
        assert fixed != text or strategy != "mask-aware", path.name
        changed += fixed != text
        long_lines += any(len(line) > line_length for line in _swapped_lines(fixed))
        (outputs / path.name).write_text(fixed)
    black = _black(outputs, line_length, "--check", "--diff")
    assert black.returncode == 0, black.stdout
    ruff = _tool("ruff", "format", "--isolated", "--check", "--diff", folder=outputs,
                 line_length=line_length)  # fmt: skip
    assert ruff.returncode == 0, ruff.stdout
    assert long_lines == 0
    assert changed >= len(WIDTHS) * (len(SHAPES) - 1)  # lambda leaves the subclass alone


def _swapped_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if "Masked" in line and "import" not in line]


def test_the_widths_cross_the_line_length() -> None:
    """Some inputs fit on a line after the swap and some do not, at each line length."""
    line = "    x = MaskedConv1D({args})(x)"
    for line_length in LINE_LENGTHS:
        lengths = {len(line.replace("{args}", arguments(width))) for width in WIDTHS}
        assert min(lengths) <= line_length < max(lengths)
