"""fix across modules: a mask made in one file and destroyed in a module it calls is fixed in both
files when the run fixes both, in whole or not at all, and the output says what was done where.

golden/p59 and golden/p62 hold the rewrites themselves (and the Keras proofs run them); this
module covers what happens around them: guards, failures, declines, counts and formats.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codemod.cli import app
from codemod.config import Options
from codemod.engine import fix as fix_engine
from codemod.engine.fix import fix_paths
from codemod.engine.sources import SourceError

BLOCKS = """\
from keras import layers


def conv_block(x):
    return layers.Conv1D(8, 3, padding="same")(x)
"""
MODEL = """\
import keras
from blocks import conv_block
from keras import layers

tokens = keras.Input((12,), dtype="int32")
x = layers.Embedding(50, 8, mask_zero=True)(tokens)
model = keras.Model(tokens, layers.LSTM(4)(conv_block(x)))
"""
SWAPPED = 'return MaskedConv1D(8, 3, padding="same")(x)'


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "blocks.py").write_text(BLOCKS)
    (tmp_path / "model.py").write_text(MODEL)
    return tmp_path


def invoke(*args: str, stdin: str | None = None):
    return CliRunner().invoke(app, list(args), input=stdin)


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def committed(root: Path) -> None:
    git(root, "init", "-q")
    git(root, "-c", "user.email=t@t", "-c", "user.name=t", "add", ".")
    git(root, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "start")


def test_both_files_given_are_fixed_together_and_the_output_says_where(here: Path) -> None:
    result = invoke("fix", ".")
    assert result.exit_code == 0, result.output
    assert SWAPPED in (here / "blocks.py").read_text()
    assert (here / "model.py").read_text() == MODEL  # the rewrite lies wholly in blocks.py
    assert result.stdout.splitlines()[:2] == [
        "blocks.py: changed for the rewrite of model.py",
        (
            "model.py:7: mask-aware: Conv1D -> MaskedConv1D (blocks.py, line 5)"
            " (the LSTM at line 7 needs the mask)"
        ),
    ]
    assert "Rewrote 1 finding in 1 file (mask-aware 1)" in result.output
    assert invoke("check", ".").exit_code == 0


def test_json_counts_agree_with_the_text_and_name_the_other_file(here: Path) -> None:
    report = json.loads(invoke("check", ".", "--format", "json").stdout)
    assert [f["strategy"] for f in report["findings"]] == ["mask-aware"]
    alone = json.loads(invoke("check", "model.py", "--format", "json").stdout)
    assert [f["strategy"] for f in alone["findings"]] == ["lambda"]
    document = json.loads(invoke("fix", ".", "--format", "json").stdout)
    (change,) = document["changes"]
    assert change["also_changes"] == ["blocks.py"] and change["applied"] is True
    summary = document["summary"]
    assert summary["rewrites"] == 1 and summary["files_changed"] == 1
    assert summary["by_strategy"] == {"mask-aware": 1}


def test_the_other_file_not_given_is_named_and_auto_keeps_values_instead(here: Path) -> None:
    result = invoke("fix", "model.py", "--strategy", "mask-aware", "--dry-run")
    assert (
        "the mask-aware layers would replace Conv1D (blocks.py, line 5), in another file:"
        " blocks.py is not among the files this run fixes; give it to fix as well"
    ) in result.output
    auto = invoke("fix", "model.py")
    assert "lambda: Embedding: drop mask_zero=True" in auto.output
    assert (here / "blocks.py").read_text() == BLOCKS


def test_a_module_with_uncommitted_changes_is_not_changed_for_another_file(here: Path) -> None:
    committed(here)
    (here / "blocks.py").write_text(BLOCKS + "\n# an edit in progress\n")
    result = invoke("fix", ".", "--strategy", "mask-aware")
    assert "blocks.py has uncommitted changes" in result.output
    assert "# an edit in progress" in (here / "blocks.py").read_text()
    assert SWAPPED not in (here / "blocks.py").read_text()


def test_a_module_that_cannot_take_the_swap_refuses_it_and_the_caller_is_fixed_without(
    here: Path,
) -> None:
    """The layer class in blocks.py comes from a parameter: the helper cannot be written there,
    so model.py gets the next strategy auto has, and the output says why."""
    (here / "blocks.py").write_text(
        "from keras import layers\n\n\ndef conv_block(x, conv=layers.Conv1D):\n"
        '    return conv(8, 3, padding="same")(x)\n'
    )
    before = (here / "blocks.py").read_bytes()
    named = invoke("fix", ".", "--strategy", "mask-aware", "--dry-run")
    assert "blocks.py cannot be changed as well" in named.output, named.output
    assert "chosen at run time" in named.output
    auto = invoke("fix", ".")
    assert "lambda: Embedding: drop mask_zero=True" in auto.output, auto.output
    assert (here / "blocks.py").read_bytes() == before


def test_when_the_other_file_is_not_written_the_caller_is_not_either(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """blocks.py changes only for model.py: a model.py whose rewrite went in without it would
    be reported as fixed while its mask is still destroyed. Both, or neither."""
    real_write = fix_engine.write_atomic

    def failing(path, data, expected=None):
        if str(path).endswith("blocks.py"):
            raise SourceError(str(path), "disk full")
        return real_write(path, data, expected=expected)

    monkeypatch.setattr(fix_engine, "write_atomic", failing)
    run = fix_paths(["."], Options(), write=True)
    by_path = {report.path: report for report in run.files}
    assert by_path["blocks.py"].error is not None
    assert by_path["model.py"].error == (
        "not written: its rewrite needs blocks.py changed as well, which was not written"
    )
    assert not by_path["model.py"].applied
    assert (here / "blocks.py").read_text() == BLOCKS
    result = invoke("fix", ".", "--format", "json")
    assert json.loads(result.stdout)["summary"]["rewrites"] == 0


def test_declining_the_other_file_declines_the_callers_rewrite(here: Path) -> None:
    result = invoke("fix", "-i", ".", stdin="n\n")
    assert result.stdout.count("Apply these changes to ") == 1, result.output
    said = result.stdout.index("blocks.py: changed for the rewrite of model.py")
    assert said < result.stdout.index("Apply these changes to blocks.py?")
    assert (here / "blocks.py").read_text() == BLOCKS
    assert "model.py: skipped: not applied" in result.stdout
    assert "Rewrote 0 findings" in result.stderr
    assert result.exit_code == 1  # a finding left, as for any declined file


def test_stdin_says_it_changes_only_its_own_text(here: Path) -> None:
    result = invoke(
        "fix", "-", "--stdin-filename", "model.py", "--strategy", "mask-aware", stdin=MODEL
    )
    assert "fix on standard input changes nothing but that text" in result.stderr


def test_a_notebook_calling_the_module_gets_it_fixed_too(here: Path) -> None:
    cell = {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": []}
    notebook = {
        "cells": [{**cell, "source": MODEL.splitlines(True)}],
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (here / "model.py").unlink()
    (here / "model.ipynb").write_text(json.dumps(notebook, indent=1))
    result = invoke("fix", ".")
    assert result.exit_code == 0, result.output
    assert SWAPPED in (here / "blocks.py").read_text()
    assert "blocks.py: changed for the rewrite of model.ipynb" in result.stdout
