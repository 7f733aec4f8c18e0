"""`keras-mask-codemod check` through the real CLI: exit status, stdin, errors, JSON, rule selection."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codemod.cli import app
from tests.golden import GOLDEN, cases
from tests.test_golden_fix import case_args

MASKED_CONV = "from keras import layers\nx = layers.Conv1D(4, 3)(layers.Masking()(inp))\n"
CLEAN = "import keras\nmodel = keras.Sequential([keras.layers.Dense(1)])\n"


def invoke(*args: str, stdin: str | None = None):
    return CliRunner().invoke(app, list(args), input=stdin)


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "masked.py").write_text(MASKED_CONV)
    (tmp_path / "pkg" / "clean.py").write_text(CLEAN)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_exit_status_follows_findings(tree: Path) -> None:
    assert invoke("check", "pkg/clean.py").exit_code == 0
    result = invoke("check", "pkg")
    assert result.exit_code == 1
    assert result.stdout == (
        "pkg/masked.py:2:5: KMC101 Conv1D does not support masking and destroys the mask "
        "from Masking(mask_value=0.0) (line 2)\n"
    )
    assert "Found 1 destroyed mask in 1 file (2 files checked)." in result.stderr


def test_default_path_is_current_folder(tree: Path) -> None:
    result = invoke("check")
    assert result.exit_code == 1 and "pkg/masked.py:2:5: KMC101" in result.stdout


def test_unparsable_file_gets_one_line_and_the_run_goes_on(tree: Path) -> None:
    (tree / "pkg" / "broken.py").write_text("from keras import layers\nlayers.Masking(\n")
    result = invoke("check", "pkg")
    assert result.exit_code == 2
    assert "pkg/masked.py:2:5: KMC101" in result.stdout
    errors = [line for line in result.stderr.splitlines() if "broken.py" in line]
    assert len(errors) == 1 and errors[0].startswith("pkg/broken.py: error: cannot parse:")
    assert "Traceback" not in result.stderr


def test_missing_path_is_an_error_not_a_crash(tree: Path) -> None:
    result = invoke("check", "nope.py", "pkg/masked.py")
    assert result.exit_code == 2
    assert "nope.py: error: no such file or directory" in result.stderr
    assert "pkg/masked.py:2:5" in result.stdout


def test_stdin_uses_stdin_filename() -> None:
    result = invoke("check", "-", "--stdin-filename", "src/model.py", stdin=MASKED_CONV)
    assert result.exit_code == 1
    assert result.stdout.startswith("src/model.py:2:5: KMC101 ")
    assert invoke("check", "-", stdin=CLEAN).exit_code == 0


def test_absolute_paths_in_absolute_paths_out(tree: Path) -> None:
    target = tree / "pkg" / "masked.py"
    result = invoke("check", str(target))
    assert result.stdout.startswith(f"{target}:2:5: KMC101 ")


def test_select_and_ignore(tree: Path) -> None:
    assert invoke("check", "pkg", "--ignore", "KMC1").exit_code == 0
    assert invoke("check", "pkg", "--select", "KMC2,KMC3").exit_code == 0
    assert invoke("check", "pkg", "--select", "KMC101").exit_code == 1
    bad = invoke("check", "pkg", "--select", "XYZ")
    assert bad.exit_code == 2 and "unknown rule code 'XYZ'" in bad.stderr


def test_bad_format_is_one_line() -> None:
    result = invoke("check", "--format", "xml", ".")
    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == "keras-mask-codemod: error: --format must be one of text, json, github, sarif, not 'xml'"
    )


def test_json_document(tree: Path) -> None:
    result = invoke("check", "pkg", "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert set(document) == {"version", "target", "findings", "errors", "summary"}
    assert document["target"] == {
        "keras": "3.15",
        "catalogue": "3",
        "source": "default: no Keras or TensorFlow pin found, assuming the newest release",
    }
    (finding,) = document["findings"]
    assert finding == {
        "path": "pkg/masked.py",
        "cell": None,
        "line": 2,
        "column": 5,
        "end_line": 2,
        "end_column": 24,
        "code": "KMC101",
        "message": finding["message"],
        "producer": {"name": "Masking", "line": 2, "column": 25, "mask_value": 0.0},
        "consumer": {"name": "Conv1D", "line": 2, "column": 5},
        "chain": [],
        "downstream_mask_consumer": None,
        "strategy": "remove",
    }
    assert document["summary"] == {
        "files": 2,
        "files_parsed": 1,  # clean.py never mentions a producer: the text test skipped it
        "files_with_findings": 1,
        "findings": 1,
        "errors": 0,
        "by_code": {"KMC101": 1},
    }


CASES = [c for c in cases() if c.name.startswith("p")]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_json_agrees_with_text(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(case)
    document = json.loads(invoke("check", "input.py", "--format", "json", *case_args(case)).stdout)
    lines = [
        f"{f['path']}:{f['line']}:{f['column']}: {f['code']} {f['message']}\n"
        for f in document["findings"]
    ]
    assert "".join(lines) == (case / "check.txt").read_text()
    for finding in document["findings"]:
        assert finding["strategy"] in ("mask-aware", "lambda", "remove", "upgrade", "manual")
        assert finding["end_line"] >= finding["line"]


def test_check_on_a_clean_file_does_not_import_libcst(tmp_path: Path) -> None:
    source = tmp_path / "clean.py"
    source.write_text(CLEAN)
    for args in (["--version"], ["check", str(source)]):
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "codemod", *args],
            capture_output=True,
            check=False,
            text=True,
            env={**os.environ, "PYTHONPATH": str(GOLDEN.parent)},
        )
        assert result.returncode == 0, result.stderr
        imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()}
        assert "codemod.cli" in imported or args == ["--version"]
        assert not any(name.split(".")[0] == "libcst" for name in imported)
        # Start-up budget: no pydantic (typer >= 0.29 imports it), no interpreter for clean files.
        assert "pydantic" not in imported and "codemod.analysis.interpreter" not in imported


def test_python_dash_m_runs_the_cli(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "codemod", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and result.stdout.startswith("keras-mask-codemod ")


def test_a_broken_notebook_is_one_line_and_the_walk_goes_on(tree: Path) -> None:
    (tree / "pkg" / "analysis.ipynb").write_text('{"cells": [], "source": "Masking"')
    result = invoke("check", "pkg")
    assert result.exit_code == 2
    assert "pkg/analysis.ipynb: error: invalid JSON: " in result.stderr
    assert "pkg/masked.py:2:5: KMC101" in result.stdout
