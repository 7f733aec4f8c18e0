"""One home per repository (issue #13): when a run rewrites several files that need the Keras 3
helpers and no helpers module is set, the helpers go into one module, `keras_mask_helpers.py`,
beside loose scripts of one folder or in the innermost package the files share, and each file
imports them from it; else each file holds its own. A notebook gets them in a code cell of its
own. All through the real CLI, in temporary trees (git repositories where the guard matters)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codemod.analysis.names import template_block
from codemod.cli import app
from codemod.engine.helpers_module import helpers_module_text
from codemod.rewrite.helper_source import HELPER_HEADER, HELPER_NAMES, KERAS_2_HELPER_HEADER

LSTM_MODEL = (
    "import keras\n"
    "from keras import layers\n\n"
    "model = keras.Sequential(\n"
    "    [keras.Input((10, 3)), layers.Masking(), layers.Conv1D(4, 3, padding='same'),"
    " layers.LSTM(2)]\n"
    ")\n"
    'print("built", model.output_shape)\n'
)
SCALED_MODEL = (
    "from keras import Sequential, layers\n\n"
    "model = Sequential([layers.Masking(-1.0), layers.Conv1D(4, 3), layers.Dense(2)])\n"
)
KERAS_2_MODEL = (
    "import tf_keras\n"
    "from tf_keras import layers\n\n"
    "model = tf_keras.Sequential([layers.Masking(-1.0), layers.Conv1D(4, 3), layers.Dense(2)])\n"
)
CLEAN = "import keras\n\nmodel = keras.Sequential([keras.layers.Dense(1)])\n"
HELPERS = "keras_mask_helpers.py"
PASTED_NOTE = "; the helpers are pasted into each file\n"


def invoke(*args: str, stdin: str | None = None):
    return CliRunner().invoke(app, list(args), input=stdin)


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.parts
    }


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.chdir(root)
    return root


# -- where the helpers go -------------------------------------------------------------------------


def test_loose_scripts_of_one_folder_import_them_from_a_module_beside_them(here: Path) -> None:
    write(here, {"scripts/a.py": LSTM_MODEL, "scripts/b.py": SCALED_MODEL, "other.py": CLEAN})
    result = invoke("fix", ".")
    assert result.exit_code == 0, result.output
    module = here / "scripts" / HELPERS
    assert module.read_text() == helpers_module_text()
    a, b = ((here / "scripts" / name).read_text() for name in ("a.py", "b.py"))
    assert "from keras_mask_helpers import MaskedConv1D\n" in a
    assert "from keras_mask_helpers import apply_mask, apply_mask_output_shape\n" in b
    assert HELPER_HEADER not in a + b and "class " not in a + b
    assert result.stderr == (
        "Rewrote 2 findings in 2 files (mask-aware 1, lambda 1) and created "
        "scripts/keras_mask_helpers.py; 1 unchanged; 3 files checked, 2 with findings.\n"
    )

    before = snapshot(here)
    again = invoke("fix", ".")
    assert again.exit_code == 0 and again.stdout == ""
    assert snapshot(here) == before
    assert invoke("check", ".").exit_code == 0


def test_a_package_tree_gets_the_module_in_the_innermost_shared_package(here: Path) -> None:
    write(
        here,
        {
            "src/myproj/__init__.py": "",
            "src/myproj/models/__init__.py": "",
            "src/myproj/models/a.py": LSTM_MODEL,
            "src/myproj/models/b.py": LSTM_MODEL,
        },
    )
    result = invoke("fix", "src")
    assert result.exit_code == 0, result.output
    module = here / "src" / "myproj" / "models" / HELPERS
    assert module.read_text() == helpers_module_text()
    for name in ("a.py", "b.py"):
        text = (here / "src" / "myproj" / "models" / name).read_text()
        assert "from myproj.models.keras_mask_helpers import MaskedConv1D\n" in text
        assert HELPER_HEADER not in text
    assert "created src/myproj/models/keras_mask_helpers.py;" in result.stderr

    before = snapshot(here)
    assert invoke("fix", "src").stdout == "" and snapshot(here) == before


def test_files_in_sibling_packages_share_the_package_above_them(here: Path) -> None:
    write(
        here,
        {
            "pkg/__init__.py": "",
            "pkg/models/__init__.py": "",
            "pkg/models/a.py": LSTM_MODEL,
            "pkg/layers/__init__.py": "",
            "pkg/layers/b.py": SCALED_MODEL,
        },
    )
    assert invoke("fix", "pkg").exit_code == 0
    assert (here / "pkg" / HELPERS).read_text() == helpers_module_text()
    assert (
        "from pkg.keras_mask_helpers import MaskedConv1D\n"
        in (here / "pkg/models/a.py").read_text()
    )
    assert "from pkg.keras_mask_helpers import apply_mask" in (here / "pkg/layers/b.py").read_text()


@pytest.mark.parametrize(
    "layout",
    [
        {"one/a.py": LSTM_MODEL, "two/b.py": LSTM_MODEL},  # unrelated folders
        {"pkg/__init__.py": "", "pkg/a.py": LSTM_MODEL, "scripts/b.py": LSTM_MODEL},  # mixed
        {"pkg/__init__.py": "", "pkg/a.py": LSTM_MODEL, "pkg/sub/b.py": LSTM_MODEL},  # a loose one
        {
            "one/__init__.py": "",
            "one/a.py": LSTM_MODEL,
            "two/__init__.py": "",
            "two/b.py": LSTM_MODEL,
        },
        {"my-pkg/__init__.py": "", "my-pkg/a.py": LSTM_MODEL, "my-pkg/b.py": LSTM_MODEL},
    ],
    ids=["unrelated", "package-and-script", "package-and-loose-folder", "two-packages", "no-name"],
)
def test_files_with_no_one_home_keep_their_own_helpers(here: Path, layout: dict[str, str]) -> None:
    write(here, layout)
    result = invoke("fix", ".")
    assert result.exit_code == 0, result.output
    assert not list(here.rglob(HELPERS))
    for name, text in layout.items():
        if text:
            assert HELPER_HEADER in (here / name).read_text()
    assert "note:" not in result.stderr  # said with --verbose only

    write(here, layout)
    verbose = invoke("fix", "-v", ".")
    assert (
        "note: the helpers are pasted into each of the 2 files that need them: they share no "
        "folder or package to hold one module (choose one with --helpers-module)\n"
    ) in verbose.stderr


def test_one_file_keeps_its_helpers(here: Path) -> None:
    write(here, {"models/a.py": LSTM_MODEL, "models/clean.py": CLEAN, "models/b.py": CLEAN})
    result = invoke("fix", "models")
    assert result.exit_code == 0, result.output
    assert HELPER_HEADER in (here / "models" / "a.py").read_text()
    assert not list(here.rglob(HELPERS))
    single = invoke("fix", "-", "--stdin-filename", "models/c.py", stdin=LSTM_MODEL)
    assert HELPER_HEADER in single.stdout and not list(here.rglob(HELPERS))


def test_one_file_imports_from_a_module_of_ours_already_at_its_home(here: Path) -> None:
    """pre-commit and editors fix one file at a time: the repository keeps its one home."""
    write(here, {"a.py": LSTM_MODEL, HELPERS: helpers_module_text()})
    result = invoke("fix", "a.py")
    assert result.exit_code == 0, result.output
    fixed = (here / "a.py").read_text()
    assert "from keras_mask_helpers import MaskedConv1D" in fixed and HELPER_HEADER not in fixed
    assert (here / HELPERS).read_text() == helpers_module_text()


def test_one_file_imports_from_the_module_a_run_over_its_folder_wrote(here: Path) -> None:
    """Fixed alone from the repository's root, a script in scripts/ imports the module there, as
    its neighbours did when the folder was fixed together (its folder is on its path when run)."""
    write(here, {"scripts/a.py": LSTM_MODEL, "scripts/b.py": LSTM_MODEL})
    assert invoke("fix", "scripts/a.py", "scripts/b.py").exit_code == 0
    write(here, {"scripts/c.py": LSTM_MODEL})
    result = invoke("fix", "scripts/c.py")
    assert result.exit_code == 0, result.output
    fixed = (here / "scripts" / "c.py").read_text()
    assert fixed == (here / "scripts" / "a.py").read_text()
    assert "from keras_mask_helpers import MaskedConv1D" in fixed


def test_the_one_file_of_a_run_that_needs_helpers_imports_them_from_the_module_there(
    here: Path,
) -> None:
    write(here, {"a.py": LSTM_MODEL, "clean.py": CLEAN, HELPERS: helpers_module_text()})
    result = invoke("fix", ".")
    assert result.exit_code == 0, result.output
    fixed = (here / "a.py").read_text()
    assert "from keras_mask_helpers import MaskedConv1D" in fixed and HELPER_HEADER not in fixed
    assert "created" not in result.output


def test_keras_2_helpers_stay_in_each_file(here: Path) -> None:
    write(here, {"a.py": KERAS_2_MODEL, "b.py": KERAS_2_MODEL})
    result = invoke("fix", ".")
    assert result.exit_code == 0, result.output
    assert not list(here.rglob(HELPERS))
    for name in ("a.py", "b.py"):
        assert KERAS_2_HELPER_HEADER in (here / name).read_text()


def test_a_keras_mask_helpers_of_the_users_is_never_overwritten(here: Path) -> None:
    mine = "# my own helpers\nTHRESHOLD = 3\n"
    write(here, {"a.py": LSTM_MODEL, "b.py": LSTM_MODEL, HELPERS: mine})
    result = invoke("fix", "a.py", "b.py")
    assert result.exit_code == 0, result.output
    assert (here / HELPERS).read_text() == mine
    for name in ("a.py", "b.py"):
        text = (here / name).read_text()
        assert HELPER_HEADER in text and "keras_mask_helpers" not in text
    notes = [line for line in result.stderr.splitlines() if "note:" in line]
    assert notes == [
        (
            "keras_mask_helpers.py: note: exists and was not written by keras-mask-codemod;"
            " left as it is; the helpers are pasted into each file"
        )
    ]


def test_a_module_of_ours_with_other_helpers_is_never_overwritten(here: Path) -> None:
    edited = helpers_module_text() + "\n\nEXTRA = 1  # added by hand\n"
    write(here, {"a.py": LSTM_MODEL, "b.py": LSTM_MODEL, HELPERS: edited})
    result = invoke("fix", ".")
    assert result.exit_code == 0, result.output
    assert (here / HELPERS).read_text() == edited
    assert all(HELPER_HEADER in (here / name).read_text() for name in ("a.py", "b.py"))
    assert (
        "keras_mask_helpers.py: note: holds other helpers (edited, or not the whole set); left"
        " as it is; the helpers are pasted into each file\n" in result.stderr
    )


def test_a_module_an_older_version_wrote_is_upgraded_in_place(here: Path) -> None:
    """KMC401 for the helpers module: an unedited older copy is replaced by this version's."""
    current = helpers_module_text()
    head = current.partition(HELPER_HEADER)[0]
    public = sorted(name for name in HELPER_NAMES if not name.startswith("_"))
    old = head + template_block("keras_helpers_v1.py", public)
    assert old != current and "keras-mask-codemod: keep them" in old
    write(here, {"a.py": LSTM_MODEL, "b.py": LSTM_MODEL, HELPERS: old})
    result = invoke("fix", ".")
    assert result.exit_code == 0, result.output
    assert (here / HELPERS).read_text() == current
    assert all("from keras_mask_helpers import" in (here / n).read_text() for n in ("a.py", "b.py"))
    assert invoke("check", ".").exit_code == 0


def test_the_helpers_module_option_still_sets_the_home(here: Path) -> None:
    write(here, {"scripts/a.py": LSTM_MODEL, "scripts/b.py": LSTM_MODEL, "shared/__init__.py": ""})
    result = invoke("fix", "scripts", "--helpers-module", "shared.mask_layers")
    assert result.exit_code == 0, result.output
    assert (here / "shared" / "mask_layers.py").read_text() == helpers_module_text()
    assert not list(here.rglob(HELPERS))
    assert "from shared.mask_layers import MaskedConv1D" in (here / "scripts/a.py").read_text()
    assert "and created shared/mask_layers.py;" in result.stderr


# -- dry runs and reports -------------------------------------------------------------------------


def test_dry_run_shows_the_new_module_as_a_new_file_and_git_apply_takes_it(here: Path) -> None:
    write(here, {"scripts/a.py": LSTM_MODEL, "scripts/b.py": SCALED_MODEL})
    before = snapshot(here)
    dry = invoke("fix", "--dry-run", "scripts")
    assert dry.exit_code == 1
    assert snapshot(here) == before  # nothing written
    heads = [line for line in dry.stdout.splitlines() if line.startswith("diff --git")]
    assert heads == [
        "diff --git a/scripts/keras_mask_helpers.py b/scripts/keras_mask_helpers.py",
        "diff --git a/scripts/a.py b/scripts/a.py",
        "diff --git a/scripts/b.py b/scripts/b.py",
    ]
    assert (
        "new file mode 100644\n--- /dev/null\n+++ b/scripts/keras_mask_helpers.py\n" in dry.stdout
    )
    assert "and create scripts/keras_mask_helpers.py;" in dry.stderr

    applied = here.parent / "applied"
    shutil.copytree(here, applied)
    git(applied, "init", "-q")
    patch = dry.stdout.encode()
    subprocess.run(["git", "apply", "--check", "-"], input=patch, cwd=applied, check=True)
    subprocess.run(["git", "apply", "-"], input=patch, cwd=applied, check=True)
    assert invoke("fix", "scripts").exit_code == 0
    assert snapshot(applied) == snapshot(here)


def test_dry_run_with_the_helpers_module_option_shows_the_module_too(here: Path) -> None:
    write(here, {"a.py": LSTM_MODEL, "shared/__init__.py": ""})
    dry = invoke("fix", "--dry-run", "a.py", "--helpers-module", "shared.mask_layers")
    assert dry.stdout.startswith(
        "diff --git a/shared/mask_layers.py b/shared/mask_layers.py\nnew file mode 100644\n"
    )
    assert not (here / "shared" / "mask_layers.py").exists()


def test_reports_count_the_module_as_a_file_created(here: Path) -> None:
    write(here, {"a.py": LSTM_MODEL, "b.py": LSTM_MODEL, "clean.py": CLEAN})
    result = invoke("fix", ".", "--report", "migration.json", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads((here / "migration.json").read_text())
    module = [entry for entry in document["files"] if entry["path"] == HELPERS]
    assert module == [
        {
            "path": HELPERS,
            "status": "created",
            "findings": [],
            "rewrites": [],
            "changed_for": [],
            "error": None,
        }
    ]
    assert document["summary"]["created"] == 1 and document["summary"]["changed"] == 2
    assert document["summary"]["files"] == 4
    summary = json.loads(result.stdout)["summary"]
    assert summary["files"] == 4 and summary["files_changed"] == 3 and summary["rewrites"] == 2


# -- the safety rules ------------------------------------------------------------------------------


@pytest.fixture
def repo(here: Path) -> Path:
    git(here, "init", "-q")
    write(here, {"a.py": LSTM_MODEL, "b.py": LSTM_MODEL, HELPERS: helpers_module_text()})
    git(here, "add", "-A")
    git(here, "commit", "-q", "-m", "models")
    return here


def test_a_module_with_uncommitted_changes_is_not_written_and_the_helpers_are_pasted(
    repo: Path,
) -> None:
    (repo / HELPERS).unlink()  # deleted, not committed yet
    result = invoke("fix", ".")
    assert result.exit_code == 0, result.output
    assert not (repo / HELPERS).exists()
    assert all(HELPER_HEADER in (repo / name).read_text() for name in ("a.py", "b.py"))
    assert (
        "keras_mask_helpers.py: note: has uncommitted changes; commit or stash them first, or "
        "pass --allow-dirty; the helpers are pasted into each file\n" in result.stderr
    )


def test_a_committed_module_of_ours_is_used_as_it_is(repo: Path) -> None:
    result = invoke("fix", ".")
    assert result.exit_code == 0, result.output
    assert "created" not in result.stderr
    assert all(
        "from keras_mask_helpers import MaskedConv1D" in (repo / name).read_text()
        for name in ("a.py", "b.py")
    )


def test_dirty_files_are_not_counted_for_the_home(repo: Path) -> None:
    (repo / HELPERS).unlink()
    git(repo, "commit", "-q", "-am", "no helpers")
    (repo / "b.py").write_text(LSTM_MODEL + "# work in progress\n")
    result = invoke("fix", ".")
    assert result.exit_code == 2
    assert "b.py: error: has uncommitted changes" in result.stderr
    assert HELPER_HEADER in (repo / "a.py").read_text()  # one file left: its own helpers
    assert not (repo / HELPERS).exists()


def test_a_module_path_that_is_a_symlink_out_of_the_tree_is_refused(
    repo: Path, tmp_path: Path
) -> None:
    (repo / HELPERS).unlink()
    elsewhere = tmp_path / "elsewhere.py"
    try:
        os.symlink(elsewhere, repo / HELPERS)
    except OSError:
        pytest.skip("symlinks are not available here")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "link")
    result = invoke("fix", ".")
    assert result.exit_code == 0, result.output
    assert not elsewhere.exists()
    real = os.path.realpath(elsewhere)
    assert f"keras_mask_helpers.py: note: a symlink to {real}, outside the work tree" in (
        result.stderr
    )
    assert HELPER_HEADER in (repo / "a.py").read_text()


# -- notebooks -------------------------------------------------------------------------------------


def notebook_cell(kind: str, source: list[str], index: int, **extra: object) -> dict:
    cell = {"cell_type": kind, "id": f"cell-{index}", "metadata": {}, "source": source}
    if kind == "code":
        cell.update({"execution_count": None, "outputs": []})
    cell.update(extra)
    return dict(sorted(cell.items()))


NOTEBOOK_CELLS = [
    notebook_cell("markdown", ["# Sensors\n"], 1),
    notebook_cell("code", ["import keras\n", "from keras import layers"], 2),
    notebook_cell("code", ["inp = keras.Input((10, 3))\n", "x = layers.Masking(-1.0)(inp)"], 3),
    notebook_cell(
        "code",
        [
            'x = layers.Conv1D(8, 3, padding="same")(x)\n',
            "model = keras.Model(inp, layers.LSTM(4)(x))",
        ],
        4,
        execution_count=3,
        outputs=[{"name": "stdout", "output_type": "stream", "text": ["ok\n"]}],
    ),
    notebook_cell("code", ["model.summary()"], 5),
]


def write_notebook(path: Path, cells: list[dict]) -> bytes:
    data = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    raw = (json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()
    path.write_bytes(raw)
    return raw


def test_a_notebook_gets_a_helpers_cell_before_the_first_cell_using_them(here: Path) -> None:
    raw = write_notebook(here / "sensors.ipynb", NOTEBOOK_CELLS)
    write(here, {"a.py": LSTM_MODEL})  # one script and one notebook: no module
    result = invoke("fix", ".")
    assert result.exit_code == 0, result.output
    assert "sensors.ipynb:cell 4:1: mask-aware: Conv1D -> MaskedConv1D" in result.stdout
    assert not list(here.rglob(HELPERS))

    document = json.loads((here / "sensors.ipynb").read_text())
    cells = document["cells"]
    assert len(cells) == len(NOTEBOOK_CELLS) + 1
    assert cells[:3] == NOTEBOOK_CELLS[:3] and cells[5] == NOTEBOOK_CELLS[4]
    helpers = cells[3]
    assert list(helpers) == ["cell_type", "execution_count", "id", "metadata", "outputs", "source"]
    assert helpers["cell_type"] == "code" and helpers["execution_count"] is None
    assert helpers["id"] == "keras-mask-helpers" and helpers["outputs"] == []
    assert helpers["metadata"] == {}
    assert all(isinstance(line, str) for line in helpers["source"])
    text = "".join(helpers["source"])
    assert text.startswith(HELPER_HEADER + "\n") and not text.endswith("\n")
    assert "class MaskedConv1D(" in text and "import keras" not in text  # cell 2 imports it
    using = cells[4]
    assert using["outputs"] == NOTEBOOK_CELLS[3]["outputs"] and using["id"] == "cell-4"
    assert "".join(using["source"]) == (
        'x = MaskedConv1D(8, 3, padding="same")(x)\nmodel = keras.Model(inp, layers.LSTM(4)(x))'
    )
    # Written as nbformat writes it: the same indentation and key order as the other cells.
    expected = dict(document)
    assert (here / "sensors.ipynb").read_text() == (
        json.dumps(expected, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    )
    assert raw != (here / "sensors.ipynb").read_bytes()

    before = snapshot(here)
    again = invoke("fix", ".")
    assert again.exit_code == 0 and again.stdout == ""
    assert snapshot(here) == before
    assert invoke("check", "sensors.ipynb").exit_code == 0


def test_a_notebook_whose_cell_imports_keras_itself_gets_the_import_in_the_helpers_cell(
    here: Path,
) -> None:
    cells = [
        notebook_cell(
            "code",
            [
                "from keras import Sequential, layers\n",
                "\n",
                "model = Sequential([layers.Masking(), layers.Conv1D(4, 3), layers.LSTM(2)])",
            ],
            1,
        )
    ]
    write_notebook(here / "one.ipynb", cells)
    assert invoke("fix", "one.ipynb").exit_code == 0
    written = json.loads((here / "one.ipynb").read_text())["cells"]
    assert [cell["id"] for cell in written] == ["keras-mask-helpers", "cell-1"]
    assert "".join(written[0]["source"]).startswith("import keras\n\n\n" + HELPER_HEADER + "\n")
    assert "".join(written[1]["source"]) == (
        "from keras import Sequential, layers\n\n"
        "model = Sequential([layers.Masking(), MaskedConv1D(4, 3), layers.LSTM(2)])"
    )
    before = (here / "one.ipynb").read_bytes()
    assert invoke("fix", "one.ipynb").stdout == ""
    assert (here / "one.ipynb").read_bytes() == before


def test_a_notebook_without_ids_gets_a_cell_without_one(here: Path) -> None:
    cells = [{k: v for k, v in cell.items() if k != "id"} for cell in NOTEBOOK_CELLS]
    write_notebook(here / "old.ipynb", cells)
    dry = invoke("fix", "--dry-run", "old.ipynb")
    assert dry.exit_code == 1 and '"id"' not in dry.stdout
    git(here, "init", "-q")
    subprocess.run(
        ["git", "apply", "--check", "-"], input=dry.stdout.encode(), cwd=here, check=True
    )
    assert invoke("fix", "--allow-dirty", "old.ipynb").exit_code == 0
    written = json.loads((here / "old.ipynb").read_text())["cells"]
    assert len(written) == len(cells) + 1 and "id" not in written[3]
    assert "".join(written[3]["source"]).startswith(HELPER_HEADER)


# -- the fixed scripts run -------------------------------------------------------------------------


@pytest.mark.keras
def test_fixed_loose_scripts_build_their_model_without_the_masking_warning(here: Path) -> None:
    write(here, {"scripts/a.py": LSTM_MODEL, "scripts/b.py": LSTM_MODEL})
    environment = {**os.environ, "KERAS_BACKEND": os.environ.get("KERAS_BACKEND", "tensorflow")}
    environment["TF_CPP_MIN_LOG_LEVEL"] = "2"

    def run_script() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "a.py"],
            cwd=here / "scripts",
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    before = run_script()
    assert before.returncode == 0, before.stderr
    assert "does not support masking" in before.stderr  # the warning this fix is about

    assert invoke("fix", "scripts").exit_code == 0
    assert (here / "scripts" / HELPERS).exists()
    after = run_script()
    assert after.returncode == 0, after.stderr
    assert "built (None, 2)" in after.stdout
    assert "does not support masking" not in after.stderr
