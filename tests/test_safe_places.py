"""Where `fix` writes: never a helpers module that shadows a module the project imports from
elsewhere, never outside the work tree by following a symlink (unless --follow-symlinks), and the
uncommitted-changes guard on the file really written. All through the real CLI, in real git
repositories."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codemod.cli import app
from codemod.engine.helpers_module import helpers_module_text

MODEL = (
    "from keras import Sequential, layers\n\n"
    "model = Sequential([layers.Masking(-1.0), layers.Conv1D(4, 3), layers.Dense(2)])\n"
)
NEEDS_HELPER = (
    "from keras import Sequential, layers\n\n"
    "model = Sequential([layers.Masking(), layers.Conv1D(4, 3), layers.LSTM(2)])\n"
)
CHOOSE = "choose another name (e.g. myproject.mask_layers)"
DIRTY = "has uncommitted changes; commit or stash them first, or pass --allow-dirty"


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


def make_repo(folder: Path, files: dict[str, str]) -> Path:
    """A git repository holding `files`, all committed."""
    folder.mkdir(parents=True, exist_ok=True)
    git(folder, "init", "-q")
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "files")
    return folder


def symlink(link: Path, target: str | Path) -> None:
    try:
        os.symlink(target, link)
    except OSError:  # Windows without the privilege
        pytest.skip("symlinks are not available here")


def commit(folder: Path) -> None:
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "more")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's repository (the current folder), and beside it another one, `other`."""
    make_repo(tmp_path / "other", {"model.py": MODEL, "pkg/inner.py": MODEL})
    root = make_repo(tmp_path / "project", {"own.py": MODEL, "pkg/__init__.py": ""})
    monkeypatch.chdir(root)
    return root


# -- the helpers module's name --------------------------------------------------------------------


@pytest.fixture
def plain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "model.py").write_text(NEEDS_HELPER)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def refused_before_anything(result, folder: Path, line: str) -> None:
    assert result.exit_code == 2
    assert result.stderr == f"keras-mask-codemod: error: {line}\n"
    assert result.stdout == ""
    written = sorted(path.name for path in folder.iterdir() if path.name != "pyproject.toml")
    assert written == ["model.py"]
    assert (folder / "model.py").read_text() == NEEDS_HELPER


@pytest.mark.parametrize("module", ["os", "os.mask_layers", "sys", "json.mask_layers"])
def test_a_standard_library_name_is_refused(plain: Path, module: str) -> None:
    top = module.split(".")[0]
    result = invoke("fix", "--helpers-module", module, "model.py")
    refused_before_anything(
        result,
        plain,
        f"--helpers-module {module} shadows the standard library module {top}; {CHOOSE}",
    )
    assert not (plain / f"{top}.py").exists() and not (plain / top).exists()


@pytest.mark.parametrize("module", ["keras", "tf_keras", "jax.mask_layers", "numpy", "tensorflow"])
def test_a_name_keras_code_imports_is_refused_installed_or_not(plain: Path, module: str) -> None:
    top = module.split(".")[0]
    result = invoke("fix", "--helpers-module", module, "model.py")
    refused_before_anything(
        result,
        plain,
        f"--helpers-module {module} shadows the module {top}, which Keras code imports; {CHOOSE}",
    )


def test_an_installed_distributions_name_is_refused(plain: Path) -> None:
    # typer is installed wherever the codemod runs: the command line is built on it.
    result = invoke("fix", "--helpers-module", "typer", "model.py")
    refused_before_anything(
        result,
        plain,
        "--helpers-module typer shadows the module typer of the installed distribution typer; "
        + CHOOSE,
    )
    dotted = invoke("fix", "--helpers-module", "typer.mask_layers", "model.py")
    refused_before_anything(
        dotted,
        plain,
        "--helpers-module typer.mask_layers would create a top-level package typer, shadowing "
        f"the module typer of the installed distribution typer; {CHOOSE}",
    )
    assert not (plain / "typer").exists()


def test_a_module_inside_the_projects_own_installed_package_is_allowed(plain: Path) -> None:
    """The project's package is found among the installed distributions when it is installed
    editable, as this one is (`codemod`, from keras-mask-codemod): a module inside it is fine."""
    (plain / "codemod").mkdir()
    (plain / "codemod" / "__init__.py").write_text("")
    result = invoke("fix", "--helpers-module", "codemod.mask_layers", "model.py")
    assert result.exit_code == 0, result.output
    assert (plain / "codemod" / "mask_layers.py").read_text() == helpers_module_text()
    assert "from codemod.mask_layers import MaskedConv1D" in (plain / "model.py").read_text()

    single = invoke("fix", "--helpers-module", "codemod", "model.py")
    assert single.exit_code == 2  # codemod.py itself would be the top-level module
    assert "installed distribution keras-mask-codemod" in single.stderr


@pytest.mark.parametrize("module", ["mask_layers_of_mine", "fresh_pkg.mask_layers"])
def test_a_fresh_name_is_allowed(plain: Path, module: str) -> None:
    result = invoke("fix", "--helpers-module", module, "model.py")
    assert result.exit_code == 0, result.output
    written = plain.joinpath(*module.split(".")).with_suffix(".py")
    assert written.read_text() == helpers_module_text()


def test_the_pyproject_key_is_refused_naming_the_file_and_key(plain: Path) -> None:
    pyproject = plain / "pyproject.toml"
    pyproject.write_text('[tool.keras-mask-codemod]\nhelpers-module = "numpy"\n')
    result = invoke("fix", "model.py")
    assert result.exit_code == 2
    assert result.stderr == (
        f"keras-mask-codemod: error: {pyproject}: [tool.keras-mask-codemod] helpers-module "
        f"'numpy' shadows the module numpy, which Keras code imports; {CHOOSE}\n"
    )
    assert (plain / "model.py").read_text() == NEEDS_HELPER
    # The command line wins over the file, and check never looks at the key's name.
    assert invoke("fix", "--helpers-module", "fresh.mask_layers", "model.py").exit_code == 0
    assert invoke("check", "model.py").exit_code == 0


def test_installed_distributions_are_read_only_when_a_name_could_clash(
    plain: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def forbidden():
        raise AssertionError("packages_distributions() was called")

    monkeypatch.setattr("importlib.metadata.packages_distributions", forbidden)
    (plain / "mine").mkdir()
    (plain / "other.py").write_text(NEEDS_HELPER)
    assert invoke("fix", "--dry-run", "other.py").exit_code == 1  # no helpers module
    assert invoke("fix", "--helpers-module", "os", "model.py").exit_code == 2  # stdlib: no lookup
    inside = invoke("fix", "--helpers-module", "mine.mask_layers", "model.py")
    assert inside.exit_code == 0, inside.output  # inside an existing package: no lookup


# -- symlinks out of the work tree ----------------------------------------------------------------


def test_an_explicit_symlink_out_of_the_work_tree_is_refused(project: Path) -> None:
    other = project.parent / "other"
    symlink(project / "link.py", other / "model.py")
    commit(project)
    result = invoke("fix", "link.py", "own.py")
    assert result.exit_code == 2
    assert (
        f"link.py: error: a symlink to {other / 'model.py'}, outside the work tree; "
        "pass --follow-symlinks to fix it there\n" in result.stderr
    )
    assert "; 1 file could not be fixed." in result.stderr
    assert (other / "model.py").read_text() == MODEL
    assert "Lambda(" in (project / "own.py").read_text()  # the run went on

    as_json = invoke("fix", "--format", "json", "link.py")
    document = json.loads(as_json.stdout)
    assert as_json.exit_code == 2
    assert document["summary"]["errors"] == 1 and document["summary"]["files_changed"] == 0
    assert document["errors"][0]["path"] == "link.py"
    assert document["errors"][0]["message"].startswith("a symlink to ")


def test_follow_symlinks_fixes_the_target_and_keeps_the_link(project: Path) -> None:
    other = project.parent / "other"
    symlink(project / "link.py", other / "model.py")
    commit(project)
    result = invoke("fix", "--follow-symlinks", "link.py")
    assert result.exit_code == 0, result.output
    assert (project / "link.py").is_symlink()
    assert "Lambda(" in (other / "model.py").read_text()


def test_a_dry_run_shows_a_symlink_out_of_the_tree_as_usual(project: Path) -> None:
    symlink(project / "link.py", project.parent / "other" / "model.py")
    commit(project)
    result = invoke("fix", "--dry-run", "link.py")
    assert result.exit_code == 1
    assert "diff --git a/link.py b/link.py" in result.stdout


def test_a_folder_given_through_a_symlink_out_of_the_tree_is_refused(project: Path) -> None:
    other = project.parent / "other"
    symlink(project / "linked", other / "pkg")
    commit(project)
    result = invoke("fix", "linked")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"linked/inner.py: error: reached through a symlinked folder, it is "
        f"{other / 'pkg' / 'inner.py'}, outside the work tree; "
        "pass --follow-symlinks to fix it there\n"
    )
    through = invoke("fix", "linked/inner.py")
    assert through.exit_code == 2 and "linked/inner.py: error: reached through" in through.stderr
    assert (other / "pkg" / "inner.py").read_text() == MODEL


def test_absolute_paths_work_and_are_judged_the_same(project: Path) -> None:
    other = project.parent / "other"
    symlink(project / "link.py", other / "model.py")
    commit(project)
    result = invoke("fix", str(project / "own.py"), str(project / "link.py"))
    assert result.exit_code == 2
    assert f"{project / 'link.py'}: error: a symlink to {other / 'model.py'}" in result.stderr
    assert "Lambda(" in (project / "own.py").read_text()


def test_outside_any_work_tree_only_the_paths_given_are_writable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "model.py").write_text(MODEL)
    (tmp_path / "here").mkdir()
    (tmp_path / "here" / "own.py").write_text(MODEL)
    symlink(tmp_path / "here" / "link.py", tmp_path / "elsewhere" / "model.py")
    monkeypatch.chdir(tmp_path / "here")
    result = invoke("fix", "link.py", "own.py")
    assert result.exit_code == 2
    assert (
        f"link.py: error: a symlink to {tmp_path / 'elsewhere' / 'model.py'}, outside the paths "
        "given; pass --follow-symlinks to fix it there\n" in result.stderr
    )
    assert "Lambda(" in (tmp_path / "here" / "own.py").read_text()
    assert (tmp_path / "elsewhere" / "model.py").read_text() == MODEL
    # Naming the other folder too makes it one of the places the run may write.
    named = invoke("fix", "link.py", str(tmp_path / "elsewhere"))
    assert named.exit_code == 0, named.output
    assert "Lambda(" in (tmp_path / "elsewhere" / "model.py").read_text()


# -- symlinks inside the tree, and the dirty guard on the file written ----------------------------


def test_a_symlink_inside_the_tree_is_fixed_at_its_target(project: Path) -> None:
    symlink(project / "link.py", "own.py")
    commit(project)
    result = invoke("fix", "link.py")
    assert result.exit_code == 0, result.output
    assert (project / "link.py").is_symlink()
    assert "Lambda(" in (project / "own.py").read_text()


def test_an_untracked_symlink_does_not_make_its_clean_target_dirty(project: Path) -> None:
    symlink(project / "link.py", "own.py")  # untracked: the link is dirty, own.py is not
    result = invoke("fix", "own.py")
    assert result.exit_code == 0, result.output
    assert "Lambda(" in (project / "own.py").read_text()


def test_a_symlink_to_a_dirty_file_in_the_tree_is_refused(project: Path) -> None:
    symlink(project / "link.py", "own.py")
    commit(project)
    (project / "own.py").write_text(MODEL + "# work in progress\n")
    result = invoke("fix", "link.py")
    assert result.exit_code == 2
    assert f"link.py: error: {DIRTY}\n" in result.stderr
    assert (project / "own.py").read_text() == MODEL + "# work in progress\n"


def test_a_dirty_target_in_another_work_tree_is_refused(project: Path) -> None:
    other = project.parent / "other"
    symlink(project / "link.py", other / "model.py")
    commit(project)
    (other / "model.py").write_text(MODEL + "# work in progress\n")  # dirty in `other` only
    result = invoke("fix", "--follow-symlinks", "link.py")
    assert result.exit_code == 2
    assert f"link.py: error: {DIRTY}\n" in result.stderr
    assert (other / "model.py").read_text() == MODEL + "# work in progress\n"
    allowed = invoke("fix", "--follow-symlinks", "--allow-dirty", "link.py")
    assert allowed.exit_code == 0, allowed.output
    assert "Lambda(" in (other / "model.py").read_text()


# -- the helpers module file ----------------------------------------------------------------------


def test_a_helpers_module_behind_a_symlinked_folder_out_of_the_tree_is_refused(
    project: Path,
) -> None:
    other = project.parent / "other"
    (project / "models").mkdir()
    (project / "models" / "m.py").write_text(NEEDS_HELPER)
    symlink(project / "shared", other / "pkg")
    commit(project)
    result = invoke("fix", "models", "--helpers-module", "shared.mask_layers")
    assert result.exit_code == 2
    assert (
        f"shared/mask_layers.py: error: reached through a symlinked folder, it is "
        f"{other / 'pkg' / 'mask_layers.py'}, outside the work tree; pass --follow-symlinks "
        "to write it there\n" in result.stderr
    )
    assert not (other / "pkg" / "mask_layers.py").exists()
    assert (project / "models" / "m.py").read_text() == NEEDS_HELPER

    followed = invoke(
        "fix", "models", "--helpers-module", "shared.mask_layers", "--follow-symlinks"
    )
    assert followed.exit_code == 0, followed.output
    assert (other / "pkg" / "mask_layers.py").read_text() == helpers_module_text()
    assert (
        "from shared.mask_layers import MaskedConv1D" in (project / "models" / "m.py").read_text()
    )


def test_a_helpers_module_that_is_a_symlink_out_of_the_tree_is_refused(project: Path) -> None:
    other = project.parent / "other"
    (project / "m.py").write_text(NEEDS_HELPER)
    symlink(project / "pkg" / "mask_layers.py", other / "mask_layers.py")  # not there yet
    commit(project)
    result = invoke("fix", "m.py", "--helpers-module", "pkg.mask_layers")
    assert result.exit_code == 2
    assert (
        f"pkg/mask_layers.py: error: a symlink to {other / 'mask_layers.py'}, outside the work "
        "tree; pass --follow-symlinks to write it there\n" in result.stderr
    )
    assert not (other / "mask_layers.py").exists()
    assert (project / "m.py").read_text() == NEEDS_HELPER


def test_a_helpers_module_with_uncommitted_changes_is_refused(project: Path) -> None:
    (project / "m.py").write_text(NEEDS_HELPER)
    (project / "pkg" / "mask_layers.py").write_text("# ours, committed\n")
    commit(project)
    (project / "pkg" / "mask_layers.py").unlink()  # deleted, not committed yet
    result = invoke("fix", "m.py", "--helpers-module", "pkg.mask_layers")
    assert result.exit_code == 2
    assert f"pkg/mask_layers.py: error: {DIRTY}\n" in result.stderr
    assert not (project / "pkg" / "mask_layers.py").exists()
    assert (project / "m.py").read_text() == NEEDS_HELPER

    allowed = invoke("fix", "m.py", "--helpers-module", "pkg.mask_layers", "--allow-dirty")
    assert allowed.exit_code == 0, allowed.output
    assert (project / "pkg" / "mask_layers.py").read_text() == helpers_module_text()
