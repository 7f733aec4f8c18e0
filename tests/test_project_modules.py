"""The project's own modules: found as Python would find them, read but never run, and only the
file checked or fixed is reported on or rewritten."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codemod.analysis import analyze
from codemod.analysis.project import ProjectImports
from codemod.cli import app
from codemod.engine.helpers_module import helpers_module_text

BASE = """\
import keras
from keras import layers


class Base(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.masking = layers.Masking()
        self.rnn = layers.LSTM(4)
"""
CHILD = """\
from keras import layers

from {module} import Base


class Child(Base):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.conv = layers.Conv1D(4, 3)

    def call(self, x):
        return self.rnn(self.conv(self.masking(x)))
"""


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def codes(root: Path, path: str) -> list[str]:
    text = (root / path).read_text()
    return [f.code.value for f in analyze(text, imports=ProjectImports(str(root / path)))]


@pytest.mark.parametrize(
    ("files", "child"),
    [
        ({"base.py": BASE}, "base"),  # a script's sibling
        ({"pkg/__init__.py": "", "pkg/base.py": BASE}, ".base"),  # relative, in a package
        ({"pkg/__init__.py": "", "pkg/base.py": BASE}, "pkg.base"),  # absolute, from the top
        ({"pkg/__init__.py": "", "pkg/models/__init__.py": "", "pkg/base.py": BASE}, "..base"),
    ],
    ids=["sibling", "relative", "absolute", "parent package"],
)
def test_a_base_class_in_another_module_is_followed(
    here: Path, files: dict[str, str], child: str
) -> None:
    folder = "pkg/models" if child == "..base" else "pkg" if "pkg" in str(files) else "."
    write(here, {**files, f"{folder}/child.py": CHILD.format(module=child)})
    assert codes(here, f"{folder}/child.py") == ["KMC101"]


def test_without_the_project_the_import_stays_opaque(here: Path) -> None:
    write(here, {"base.py": BASE, "child.py": CHILD.format(module="base")})
    assert analyze((here / "child.py").read_text()) == []


def test_a_missing_module_a_broken_one_and_a_cycle_are_no_errors(here: Path) -> None:
    write(
        here,
        {
            "broken.py": "def (:\n",
            "a.py": "import b\nfrom keras import layers\nX = layers.Masking()\n",
            "b.py": "import a\nfrom a import X\n",
            "child.py": "import keras\nimport broken\nfrom missing import Encoder\nfrom b import X\n"
            "from keras import layers\nm = keras.Sequential([X, layers.Conv1D(4, 3)])\n",
        },
    )
    assert codes(here, "child.py") == ["KMC101"]


def test_keras_and_the_standard_library_are_never_looked_for_in_the_project(here: Path) -> None:
    write(here, {"keras.py": "X = 1\n", "os.py": "Y = 2\n"})
    imports = ProjectImports(str(here / "child.py"))
    assert imports.find("keras") is None
    assert imports.find("os") == str(here / "os.py")  # analysed as Python would import it
    assert not imports.imports_producer("import os\nimport keras\n")


def test_our_helpers_module_is_not_read_as_the_projects(here: Path) -> None:
    write(here, {"keras_mask_helpers.py": helpers_module_text()})
    assert ProjectImports(str(here / "a.py")).read(str(here / "keras_mask_helpers.py")) is None


def test_check_reports_only_the_importing_file_and_fix_rewrites_only_it(here: Path) -> None:
    write(here, {"base.py": BASE, "child.py": CHILD.format(module="base")})
    before = (here / "base.py").read_text()
    for jobs in ("1", "2"):
        result = CliRunner().invoke(app, ["check", ".", "--jobs", jobs])
        assert result.exit_code == 1, result.output
        assert "child.py:9:" in result.output and "base.py:" not in result.output.split(":")[0]
        assert "(base.py, line 8)" in result.output
    removal = CliRunner().invoke(app, ["fix", "child.py", "--strategy", "remove", "--dry-run"])
    assert "the Masking is in base.py" in removal.output
    fixed = CliRunner().invoke(app, ["fix", "child.py", "--strategy", "auto"])
    assert fixed.exit_code == 0, fixed.output
    assert "MaskedConv1D" in (here / "child.py").read_text()
    assert (here / "base.py").read_text() == before


def test_stdin_resolves_imports_from_its_filename(here: Path) -> None:
    write(here, {"models/base.py": BASE})
    source = CHILD.format(module="base")
    result = CliRunner().invoke(
        app, ["check", "-", "--stdin-filename", os.path.join("models", "child.py")], input=source
    )
    assert result.exit_code == 1 and "KMC101" in result.output, result.output


def test_many_files_without_producer_words_are_still_candidates(here: Path) -> None:
    files = {"base.py": BASE}
    files.update({f"child_{n:02d}.py": CHILD.format(module="base") for n in range(20)})
    write(here, files)
    result = CliRunner().invoke(app, ["check", ".", "--jobs", "2"])
    assert result.output.count("KMC101") == 20, result.output


def test_a_notebook_resolves_imports_from_its_folder(here: Path) -> None:
    import json

    cells = [
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
         "source": line.splitlines(keepends=True)}
        for line in CHILD.format(module="base").split("\n\n\n")
    ]  # fmt: skip
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    write(here, {"models/base.py": BASE, "models/child.ipynb": json.dumps(notebook, indent=1)})
    for jobs in ("1", "2"):
        result = CliRunner().invoke(app, ["check", "models", "--jobs", jobs])
        assert result.exit_code == 1 and "KMC101" in result.output, result.output
        assert "(models/base.py, line 8)" in result.output


def test_json_names_the_file_of_a_producer_elsewhere(here: Path) -> None:
    import json

    write(here, {"base.py": BASE, "child.py": CHILD.format(module="base")})
    result = CliRunner().invoke(app, ["check", "child.py", "--format", "json"])
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["path"] == "child.py"
    assert finding["producer"] == {
        "name": "Masking",
        "line": 8,
        "column": 24,
        "path": "base.py",
        "mask_value": 0.0,
    }


def test_a_mask_made_here_and_destroyed_in_a_module_called_from_here(here: Path) -> None:
    write(
        here,
        {
            "blocks.py": "from keras import layers\n\n\ndef block(x):\n"
            "    return layers.Conv1D(4, 3)(x)\n",
            "model.py": "import keras\nfrom blocks import block\nfrom keras import layers\n\n"
            "x = inputs = keras.Input((None, 3))\nx = layers.Masking()(x)\n"
            "model = keras.Model(inputs, block(x))\n",
            "clean.py": "import keras\nfrom blocks import block\n\n"
            "model = keras.Model(keras.Input((9, 3)), block(keras.Input((9, 3))))\n",
        },
    )
    result = CliRunner().invoke(app, ["check", "."])
    assert result.output.startswith(
        "model.py:7:29: KMC101 Conv1D (blocks.py, line 5) does not support masking"
    ), result.output
    assert "clean.py" not in result.output and "blocks.py:" not in result.output
    dry = CliRunner().invoke(app, ["fix", "model.py", "--strategy", "mask-aware", "--dry-run"])
    assert (
        "the mask-aware layers would replace Conv1D (blocks.py, line 5), in another file:"
        " blocks.py is not among the files this run fixes; give it to fix as well" in dry.output
    ), dry.output
