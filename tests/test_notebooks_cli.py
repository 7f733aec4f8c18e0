"""Notebooks through check and fix: cell by cell, flows across cells, everything else untouched."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codemod.cli import app
from codemod.config import Options
from codemod.engine.check import check_paths, check_stdin
from codemod.engine.fix import fix_paths, fix_stdin
from codemod.rewrite.helper_source import HELPER_HEADER


def cell(kind: str, source: list[str], **extra: object) -> dict:
    base = {"cell_type": kind, "metadata": {}, "source": source}
    if kind == "code":
        base.update({"execution_count": None, "outputs": []})
    base.update(extra)
    return base


CELLS = [
    cell("markdown", ["# Sensor model\n"]),
    cell("code", ["%matplotlib inline\n", "import keras\n", "from keras import layers"]),
    cell(
        "code",
        [
            "inp = keras.Input((10, 3))\n",
            "x = layers.Masking(mask_value=-1.0)(inp)\n",
            "!nvidia-smi",
        ],
    ),
    cell("markdown", ["Features"]),
    cell(
        "code",
        [
            'x = layers.Conv1D(8, 3, padding="same")(x)\n',
            "x = layers.LSTM(4)(x)\n",
            "model = keras.Model(inp, x)\n",
        ],
        outputs=[{"output_type": "stream", "name": "stdout", "text": ["trained\n"]}],
        execution_count=7,
    ),
]
METADATA = {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}}


def write_notebook(path: Path, indent: int = 1) -> bytes:
    data = {"cells": CELLS, "metadata": METADATA, "nbformat": 4, "nbformat_minor": 5}
    raw = (json.dumps(data, indent=indent, ensure_ascii=False) + "\n").encode()
    path.write_bytes(raw)
    return raw


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def notebook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "sensor.ipynb"
    write_notebook(path)
    return path


def test_check_follows_the_mask_across_cells_and_names_them(notebook: Path) -> None:
    result = invoke("check", ".")
    assert result.exit_code == 1
    assert result.stdout == (
        "sensor.ipynb:cell 5:1:5: KMC101 Conv1D does not support masking and destroys the mask "
        "from Masking(mask_value=-1.0) (cell 3, line 2); the LSTM at cell 5, line 2 never sees it\n"
    )
    document = json.loads(invoke("check", "--format", "json", "sensor.ipynb").stdout)
    assert document["findings"][0]["cell"] == 5 and document["findings"][0]["line"] == 1


def test_a_notebook_on_stdin_is_checked_and_fixed_like_one_on_disk(notebook: Path) -> None:
    """Stdin named `x.ipynb` goes through the same notebook dispatch as a notebook path."""
    options = Options(stdin_filename="sensor.ipynb")
    raw = notebook.read_bytes()
    checked = check_stdin(raw, options)
    on_disk = check_paths(["sensor.ipynb"], options).files[0]
    assert checked.error is None and checked.path == "sensor.ipynb"
    assert [f.code.value for f in checked.findings] == ["KMC101"]
    assert checked.findings == on_disk.findings

    fixed = fix_stdin(raw, options)
    dry_run = fix_paths(["sensor.ipynb"], options, write=False).files[0]
    assert fixed.error is None and fixed.changed and fixed.new == dry_run.new
    assert json.loads(fixed.new)["cells"][:4] == CELLS[:4]
    assert notebook.read_bytes() == raw

    piped = CliRunner().invoke(app, ["check", "-", "--stdin-filename", "sensor.ipynb"], input=raw)
    assert piped.exit_code == 1 and piped.stdout == invoke("check", "sensor.ipynb").stdout


def test_fix_rewrites_code_cells_only_and_keeps_the_rest(notebook: Path) -> None:
    before = json.loads(notebook.read_text())
    result = invoke("fix", "sensor.ipynb")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "sensor.ipynb:cell 5:1: mask-aware: Conv1D -> MaskedConv1D "
        "(the LSTM at cell 5, line 2 needs the mask)\n"
    )
    after = json.loads(notebook.read_text())
    assert after["metadata"] == before["metadata"]
    for index in (0, 1, 2, 3):  # markdown, the magic and shell cells: untouched
        assert after["cells"][index] == before["cells"][index]
    # The helpers go into a code cell of their own, just before the cell of the first rewrite.
    assert len(after["cells"]) == len(before["cells"]) + 1
    helpers = after["cells"][4]
    assert helpers == {
        "cell_type": "code",
        "metadata": {},
        "source": helpers["source"],
        "execution_count": None,
        "outputs": [],
    }  # the keys in the order of the notebook's code cells; no id, as they have none
    text = "".join(helpers["source"])
    assert text.startswith(HELPER_HEADER + "\n")
    assert "class MaskedConv1D(" in text and not text.endswith("\n")
    fixed = after["cells"][5]
    assert fixed["outputs"] == before["cells"][4]["outputs"] and fixed["execution_count"] == 7
    assert "".join(fixed["source"]) == (
        'x = MaskedConv1D(8, 3, padding="same")(x)\nx = layers.LSTM(4)(x)\nmodel = keras.Model(inp, x)\n'
    )
    assert notebook.read_text().startswith(
        '{\n "cells": [\n  {\n   "cell_type": "markdown"'
    )  # indent kept

    again = invoke("fix", "sensor.ipynb")
    assert again.exit_code == 0 and again.stdout == ""
    assert invoke("check", "sensor.ipynb").exit_code == 0


def test_dry_run_diff_of_a_notebook_applies(notebook: Path, tmp_path: Path) -> None:
    original = notebook.read_bytes()
    dry = invoke("fix", "--dry-run", "sensor.ipynb")
    assert dry.exit_code == 1 and notebook.read_bytes() == original
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "apply"], input=dry.stdout.encode(), cwd=tmp_path, check=True)
    patched = notebook.read_bytes()
    notebook.write_bytes(original)
    invoke("fix", "--allow-dirty", "sensor.ipynb")  # git init made it an untracked file
    assert notebook.read_bytes() == patched


def annotated_lines(output: str) -> list[int]:
    return [int(line) for line in re.findall(r"::\w+ file=sensor\.ipynb,line=(\d+)", output)]


@pytest.mark.parametrize("indent", [1, None], ids=["nbformat", "one line"])
def test_ci_formats_put_a_notebook_finding_on_the_line_of_the_file_that_holds_it(
    notebook: Path, indent: int | None
) -> None:
    """GitHub annotations and SARIF regions are placed on the .ipynb file itself: the line of its
    JSON holding the Conv1D, not line 1 of the cell; the cell and its line stay in SARIF."""
    write_notebook(notebook, indent=indent)
    lines = notebook.read_text().splitlines()
    holding = [n for n, text in enumerate(lines, 1) if "layers.Conv1D(8" in text]
    assert len(holding) == 1
    assert annotated_lines(invoke("check", "--format", "github", ".").stdout) == holding
    sarif = json.loads(invoke("check", "--format", "sarif", ".").stdout)
    result = sarif["runs"][0]["results"][0]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["endLine"]) == (holding[0], holding[0])
    assert result["properties"] == {"cell": 5, "cellLine": 1, "cellColumn": 5}
    fixed = invoke("fix", "--dry-run", "--format", "github", "--strategy", "lambda", ".")
    assert annotated_lines(fixed.stderr) == holding
