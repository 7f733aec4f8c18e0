"""Which files a run looks at: walks, git ignore rules, excludes, symlinks, errors, path forms."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codemod.engine.discover import DEFAULT_EXCLUDES, Discovery, discover

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def touch(root: Path, *relatives: str) -> None:
    for relative in relatives:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")


def symlink(link: Path, target: str | Path) -> None:
    try:
        os.symlink(target, link)
    except (OSError, NotImplementedError):
        pytest.skip("symbolic links are not available here")


def names(discovery: Discovery) -> list[str]:
    return [path.as_posix() for path in discovery.files]


def git(cwd: Path, *arguments: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *arguments],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder, made the current directory, with git isolated from the user's
    own configuration (global excludes file, system config, hook-time GIT_* variables)."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for variable in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_CONFIG_GLOBAL"):
        monkeypatch.delenv(variable, raising=False)
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def repo(project: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    git(project, "init", "-q")
    return project


# -- walking folders ------------------------------------------------------------------------------


def test_walks_nested_packages_for_python_files_and_notebooks(project: Path) -> None:
    touch(
        project,
        "pkg/__init__.py",
        "pkg/sub/model.py",
        "pkg/sub/deeper/layers.py",
        "notebooks/train.ipynb",
        "README.md",
        "pkg/data.csv",
        "pkg/sub/model.pyc",
    )

    found = discover(["."])

    assert names(found) == [
        "notebooks/train.ipynb",
        "pkg/__init__.py",
        "pkg/sub/deeper/layers.py",
        "pkg/sub/model.py",
    ]
    assert found.errors == []
    assert found.skipped == 0


def test_no_paths_means_the_current_directory(project: Path) -> None:
    touch(project, "a.py")

    assert names(discover([])) == ["a.py"]


def test_extensions_can_be_chosen(project: Path) -> None:
    touch(project, "a.py", "b.pyi", "c.ipynb")

    assert names(discover(["."], extensions=(".pyi", "py"))) == ["a.py", "b.pyi"]


def test_default_excluded_folders_are_skipped_anywhere(project: Path) -> None:
    touch(
        project,
        "keep.py",
        ".venv/lib/python3.12/site-packages/keras/layer.py",
        "venv/x.py",
        "node_modules/pkg/tool.py",
        "pkg/__pycache__/cached.py",
        "pkg/build/generated.py",
        "pkg/dist/wheel.py",
        ".ipynb_checkpoints/nb-checkpoint.ipynb",
        ".tox/py312/x.py",
        ".mypy_cache/x.py",
    )

    found = discover(["."])

    assert names(found) == ["keep.py"]
    assert found.skipped == 0, "default excludes are not worth reporting"
    assert {".venv", "node_modules", "__pycache__", ".git", "site-packages"} <= DEFAULT_EXCLUDES


def test_a_file_named_like_an_excluded_folder_is_kept(project: Path) -> None:
    touch(project, "build.py", "dist.ipynb")

    assert names(discover(["."])) == ["build.py", "dist.ipynb"]


def test_an_explicit_folder_is_walked_even_if_its_name_is_excluded(project: Path) -> None:
    touch(project, "build/gen.py")

    assert names(discover(["build"])) == ["build/gen.py"]


# -- --exclude patterns ---------------------------------------------------------------------------


def test_exclude_patterns_match_relative_paths_and_components(project: Path) -> None:
    touch(
        project,
        "app.py",
        "tests/test_app.py",
        "tests/unit/test_deep.py",
        "proto/model_pb2.py",
        "legacy/old.py",
        "pkg/legacy/older.py",
        "pkg/modern.py",
    )

    found = discover(["."], exclude=["tests/*", "*_pb2.py", "legacy"])

    assert names(found) == ["app.py", "pkg/modern.py"]
    # tests/test_app.py, tests/unit/test_deep.py, proto/model_pb2.py, legacy/, pkg/legacy/
    assert found.skipped == 5


def test_exclude_patterns_are_relative_to_the_walked_folder_or_as_shown(project: Path) -> None:
    touch(project, "src/tests/test_a.py", "src/keep.py", "src/generated/g.py")

    relative_to_walked = discover(["src"], exclude=["tests/*"])
    as_shown = discover(["src"], exclude=["src/generated/*"])

    assert names(relative_to_walked) == ["src/generated/g.py", "src/keep.py"]
    assert names(as_shown) == ["src/keep.py", "src/tests/test_a.py"]


def test_exclude_pattern_with_trailing_slash_means_the_folder(project: Path) -> None:
    touch(project, "legacy/old.py", "new.py")

    assert names(discover(["."], exclude=["legacy/", "./nothing"])) == ["new.py"]


def test_explicit_paths_ignore_exclude_patterns_without_force_exclude(project: Path) -> None:
    touch(project, "tests/test_app.py", "proto/model_pb2.py", ".venv/x.py")

    found = discover(
        ["tests/test_app.py", "proto/model_pb2.py", ".venv/x.py"], exclude=["tests/*", "*_pb2.py"]
    )

    assert names(found) == [".venv/x.py", "proto/model_pb2.py", "tests/test_app.py"]
    assert found.skipped == 0


def test_force_exclude_applies_patterns_and_defaults_to_explicit_paths(project: Path) -> None:
    touch(project, "tests/test_app.py", "proto/model_pb2.py", ".venv/x.py", "app.py", "legacy/a.py")

    found = discover(
        ["tests/test_app.py", "proto/model_pb2.py", ".venv/x.py", "app.py", "legacy"],
        exclude=["tests/*", "*_pb2.py", "legacy"],
        force_exclude=True,
    )

    assert names(found) == ["app.py"]
    assert found.skipped == 4


def test_force_exclude_matches_absolute_paths_relative_to_the_current_directory(
    project: Path,
) -> None:
    touch(project, "tests/test_app.py", "app.py")

    found = discover(
        [str(project / "tests/test_app.py"), str(project / "app.py")],
        exclude=["tests/*"],
        force_exclude=True,
    )

    assert found.files == [project / "app.py"]


def test_force_exclude_does_not_match_folders_above_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checkout = tmp_path / "build" / "checkout"  # the user's clone lives under a "build" folder
    touch(checkout, "app.py")
    monkeypatch.chdir(checkout)

    found = discover([str(checkout / "app.py"), "app.py"], force_exclude=True)

    assert found.files == [checkout / "app.py"]


# -- explicit paths -------------------------------------------------------------------------------


def test_explicit_file_is_used_whatever_its_extension(project: Path) -> None:
    touch(project, "bin/train", "model.txt", "a.py")

    found = discover(["bin/train", "model.txt"])

    assert names(found) == ["bin/train", "model.txt"]


def test_missing_path_is_an_error_and_the_others_are_still_found(project: Path) -> None:
    touch(project, "a.py", "pkg/b.py")

    found = discover(["a.py", "missing.py", "pkg", "nowhere/"])

    assert names(found) == ["a.py", "pkg/b.py"]
    assert found.errors == [
        ("missing.py", "no such file or directory"),
        ("nowhere/", "no such file or directory"),
    ]


def test_same_file_given_several_ways_is_listed_once(project: Path) -> None:
    touch(project, "pkg/a.py", "pkg/b.py")

    found = discover(["pkg/a.py", ".", "pkg", "./pkg/a.py"])

    assert names(found) == ["pkg/a.py", "pkg/b.py"]


def test_output_is_sorted_and_independent_of_argument_order(project: Path) -> None:
    touch(project, "z.py", "a/b.py", "a-b.py", "m/n/o.py", "m/a.py")

    forward = discover(["z.py", "a", "a-b.py", "m"])
    backward = discover(["m", "a-b.py", "a", "z.py"])

    assert forward == backward
    assert names(forward) == ["a/b.py", "a-b.py", "m/a.py", "m/n/o.py", "z.py"]
    assert discover(["."]) == discover(["."])


def test_absolute_in_absolute_out_relative_in_relative_out(project: Path) -> None:
    touch(project, "pkg/a.py", "b.py")

    absolute = discover([str(project / "pkg"), str(project / "b.py")])
    relative = discover(["pkg", "b.py"])

    assert absolute.files == [project / "b.py", project / "pkg" / "a.py"]
    assert all(path.is_absolute() for path in absolute.files)
    assert relative.files == [Path("b.py"), Path("pkg/a.py")]


def test_relative_paths_outside_the_current_directory_keep_their_form(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    touch(project, "pkg/a.py")
    (project / "elsewhere").mkdir()
    monkeypatch.chdir(project / "elsewhere")

    assert names(discover(["../pkg"])) == ["../pkg/a.py"]


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any folder"
)
def test_unreadable_folder_is_an_error_and_the_walk_goes_on(project: Path) -> None:
    touch(project, "a.py", "locked/b.py")
    (project / "locked").chmod(0)
    try:
        found = discover(["."])
    finally:
        (project / "locked").chmod(0o755)

    assert names(found) == ["a.py"]
    assert found.errors == [("locked", "permission denied")]


# -- symbolic links -------------------------------------------------------------------------------


def test_symlink_to_a_file_inside_the_root_is_listed_once(project: Path) -> None:
    touch(project, "pkg/real.py")
    symlink(project / "alias.py", "pkg/real.py")

    found = discover(["."])

    assert names(found) == ["pkg/real.py"]


def test_symlink_to_an_excluded_file_inside_the_root_is_kept(project: Path) -> None:
    touch(project, "generated/real.py")
    symlink(project / "alias.py", "generated/real.py")

    assert names(discover(["."], exclude=["generated"])) == ["alias.py"]


def test_symlinks_pointing_outside_the_root_are_not_followed(project: Path, tmp_path: Path) -> None:
    touch(tmp_path, "outside/lib/external.py", "outside/single.py")
    touch(project, "own.py", "pkg/inner.py")
    symlink(project / "linked_folder", tmp_path / "outside")
    symlink(project / "linked_file.py", tmp_path / "outside" / "single.py")
    symlink(project / "inner_alias", project / "pkg")  # folder symlink inside the root

    found = discover(["."])

    assert names(found) == ["own.py", "pkg/inner.py"]
    assert found.errors == []


def test_explicit_symlinks_are_followed(project: Path, tmp_path: Path) -> None:
    touch(tmp_path, "outside/lib/external.py", "elsewhere/single.py")
    symlink(project / "linked_folder", tmp_path / "outside")
    symlink(project / "linked_file.py", tmp_path / "elsewhere" / "single.py")

    found = discover(["linked_folder", "linked_file.py"])

    assert names(found) == ["linked_file.py", "linked_folder/lib/external.py"]


def test_broken_symlink_and_loop_given_explicitly_are_errors(project: Path) -> None:
    touch(project, "ok.py")
    symlink(project / "broken.py", project / "does_not_exist.py")
    symlink(project / "loop_a.py", "loop_b.py")
    symlink(project / "loop_b.py", "loop_a.py")

    found = discover(["broken.py", "loop_a.py", "ok.py"])

    assert names(found) == ["ok.py"]
    assert found.errors == [
        ("broken.py", "broken symbolic link"),
        ("loop_a.py", "symbolic link loop"),
    ]


def test_broken_symlink_and_loop_met_in_a_walk_are_skipped_silently(project: Path) -> None:
    touch(project, "ok.py")
    symlink(project / "broken.py", project / "does_not_exist.py")
    symlink(project / "loop_a.py", "loop_b.py")
    symlink(project / "loop_b.py", "loop_a.py")
    symlink(project / "self_folder", "self_folder")

    found = discover(["."])

    assert names(found) == ["ok.py"]
    assert found.errors == []
    assert found.skipped == 0


# -- git ------------------------------------------------------------------------------------------


def test_gitignored_folder_and_file_are_left_out(repo: Path) -> None:
    (repo / ".gitignore").write_text("generated/\nsecret_*.py\n")
    touch(
        repo,
        "app.py",
        "generated/model.py",
        "secret_keys.py",
        "pkg/secret_more.py",
        "pkg/kept.py",
        "analysis.ipynb",
    )
    git(repo, "add", "app.py")
    git(repo, "commit", "-q", "-m", "first")

    found = discover(["."])

    # app.py is tracked; pkg/kept.py and the notebook are untracked but not ignored.
    assert names(found) == ["analysis.ipynb", "app.py", "pkg/kept.py"]
    assert found.skipped == 3


def test_nested_gitignore_applies_to_its_folder(repo: Path) -> None:
    (repo / "pkg").mkdir()
    (repo / "pkg" / ".gitignore").write_text("local_*.py\n")
    touch(repo, "local_top.py", "pkg/local_inner.py", "pkg/kept.py")

    assert names(discover(["."])) == ["local_top.py", "pkg/kept.py"]


def test_git_info_exclude_is_honoured(repo: Path) -> None:
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "exclude").write_text("scratch/\n")
    touch(repo, "scratch/try.py", "real.py")

    assert names(discover(["."])) == ["real.py"]


def test_global_excludes_file_is_honoured(repo: Path) -> None:
    global_ignore = Path(os.environ["XDG_CONFIG_HOME"]) / "git" / "ignore"
    global_ignore.parent.mkdir(parents=True)
    global_ignore.write_text("*_scratch.py\n")
    touch(repo, "try_scratch.py", "real.py")

    assert names(discover(["."])) == ["real.py"]


def test_walking_a_subfolder_uses_the_repository_rules(repo: Path) -> None:
    (repo / ".gitignore").write_text("pkg/generated/\n*_tmp.py\n")
    touch(repo, "pkg/generated/g.py", "pkg/work_tmp.py", "pkg/kept.py")

    relative = discover(["pkg"])
    absolute = discover([str(repo / "pkg")])

    assert names(relative) == ["pkg/kept.py"]
    assert absolute.files == [repo / "pkg" / "kept.py"]


def test_tracked_files_are_kept_even_when_an_ignore_pattern_matches(repo: Path) -> None:
    touch(repo, "vendor/patched.py", "vendor/other.py")
    git(repo, "add", "vendor/patched.py")
    (repo / ".gitignore").write_text("vendor/\n")

    assert names(discover(["."])) == ["vendor/patched.py"]


def test_explicitly_given_ignored_paths_are_used(repo: Path) -> None:
    (repo / ".gitignore").write_text("generated/\nsecret.py\n")
    touch(repo, "generated/model.py", "generated/sub/deep.py", "secret.py")

    assert names(discover(["secret.py"])) == ["secret.py"]
    assert names(discover(["generated"])) == ["generated/model.py", "generated/sub/deep.py"]
    assert names(discover(["generated/sub"])) == ["generated/sub/deep.py"]


def test_nested_repository_follows_its_own_rules(repo: Path) -> None:
    (repo / ".gitignore").write_text("outer_only.py\nignored_repo/\n")
    touch(repo, "top.py", "inner/outer_only.py", "inner/mine.py", "inner/skip_me.py")
    touch(repo, "ignored_repo/x.py")
    git(repo / "inner", "init", "-q")
    git(repo / "ignored_repo", "init", "-q")
    (repo / "inner" / ".gitignore").write_text("skip_me.py\n")

    from_outside = discover(["."])
    from_inside = discover(["inner"])

    # Like git: the outer rules stop at the nested repository, which has its own.
    assert names(from_outside) == ["inner/mine.py", "inner/outer_only.py", "top.py"]
    assert names(from_inside) == ["inner/mine.py", "inner/outer_only.py"]


def test_submodule_is_walked_with_its_own_rules(repo: Path, tmp_path: Path) -> None:
    library = tmp_path / "library"
    touch(library, "lib.py", "lib_scratch.py")
    (library / ".gitignore").write_text("*_scratch.py\n")
    git(library, "init", "-q")
    git(library, "add", "lib.py", ".gitignore")
    git(library, "commit", "-q", "-m", "library")
    touch(repo, "app.py")
    git(repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(library), "vendor")
    touch(repo, "vendor/lib_scratch.py", "vendor/new.py")

    assert names(discover(["."])) == ["app.py", "vendor/lib.py", "vendor/new.py"]


def test_without_git_the_walk_still_works(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / ".gitignore").write_text("ignored.py\n")
    touch(repo, "ignored.py", "kept.py")
    empty_bin = tmp_path / "empty_bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))

    found = discover(["."])

    assert names(found) == ["ignored.py", "kept.py"]
    assert found.errors == []


def test_outside_a_work_tree_nothing_is_ignored(project: Path) -> None:
    (project / ".gitignore").write_text("ignored.py\n")  # not a repository: no meaning
    touch(project, "ignored.py")

    assert names(discover(["."])) == ["ignored.py"]


def test_hook_time_git_variables_do_not_redirect_git(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    git(other, "init", "-q")
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "exclude").write_text("ignored.py\n")
    touch(repo, "ignored.py", "kept.py")
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))  # as git sets it while running hooks

    assert names(discover(["."])) == ["kept.py"]


# -- the module itself ----------------------------------------------------------------------------


def test_discovery_does_not_import_libcst() -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, codemod.engine.discover; print('libcst' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )

    assert completed.stdout.strip() == "False"
