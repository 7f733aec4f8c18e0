"""`--format github` and `fix --format json`, through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codemod.cli import app
from codemod.output.github import annotation

MODEL = (
    "from keras import Sequential, layers\n\n"
    "model = Sequential([layers.Masking(), layers.Conv1D(4, 3), layers.LSTM(2)])\n"
)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "m.py").write_text(MODEL)
    (tmp_path / "bad.py").write_text("import keras\nlayers.Masking(\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_check_github_annotations(folder: Path) -> None:
    result = CliRunner().invoke(app, ["check", "--format", "github", "."])
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        (
            "::warning file=m.py,line=3,col=39,endLine=3,endColumn=58,title=keras-mask-codemod KMC101::"
            "KMC101 Conv1D does not support masking and destroys the mask from Masking(mask_value=0.0) "
            "(line 3); the LSTM at line 3 never sees it"
        ),
        (
            "::error file=bad.py,title=keras-mask-codemod::cannot parse: '(' was never closed "
            "(line 2, column 15)"
        ),
    ]


def test_github_escapes_what_the_runner_would_misread() -> None:
    line = annotation("warning", "a,b:c.py", "50% done\nnext", line=3)
    assert line == "::warning file=a%2Cb%3Ac.py,line=3::50%25 done%0Anext"


def test_fix_json_reports_every_finding_and_what_was_done(folder: Path) -> None:
    result = CliRunner().invoke(app, ["fix", "--format", "json", "m.py"])
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert set(document) == {"version", "target", "dry_run", "changes", "errors", "summary"}
    assert document["target"]["catalogue"] == "3"
    assert document["dry_run"] is False
    (change,) = document["changes"]
    assert change == {
        "path": "m.py",
        "cell": None,
        "line": 3,
        "column": 39,
        "code": "KMC101",
        "message": change["message"],
        "strategy": "mask-aware",
        "rewrite": "Conv1D -> MaskedConv1D",
        "reason": "the LSTM at line 3 needs the mask",
        "applied": True,
        "also_changes": [],
    }
    assert document["summary"] == {
        "files": 1,
        "files_changed": 1,
        "rewrites": 1,
        "not_applied": 0,
        "unfixed": 0,
        "errors": 0,
        "by_strategy": {"mask-aware": 1},
    }


def test_fix_github_notices(folder: Path) -> None:
    result = CliRunner().invoke(app, ["fix", "--format", "github", "--strategy", "remove", "m.py"])
    assert result.exit_code == 0
    assert result.stdout == (
        "::notice file=m.py,line=3,col=39,endLine=3,endColumn=58,title=keras-mask-codemod fix::remove: Masking removed "
        "(--strategy remove)\n"
    )
