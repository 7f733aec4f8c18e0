"""The fleet recipes in examples/fleet/, run the way multi-gitter and git-xargs run them: in a
clone of each repository, on a branch, then what the script changed is committed. Several local
repositories stand in for a fleet: one to rewrite, one with a finding left for review, one clean.
Each gets one commit on the branch (none when clean), its pull request's description, and a
second run changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.golden import GOLDEN

ROOT = GOLDEN.parent
FLEET = ROOT / "examples" / "fleet"
BRANCH = "keras-mask-codemod"
REPOSITORIES = {
    "sensors": {"model.py": (GOLDEN / "p01_from_keras_layers_import" / "input.py").read_text()},
    "blocks": {"model.py": (GOLDEN / "p34_manual_factory_elsewhere" / "input.py").read_text()},
    "clean": {"model.py": "import keras\n\nmodel = keras.Sequential([keras.layers.Dense(1)])\n"},
}
# What each tool tells the script about the repository it runs in.
RECIPES = {
    "multi-gitter.sh": lambda name: {"REPOSITORY": f"my-org/{name}"},
    "git-xargs.sh": lambda name: {"XARGS_REPO_OWNER": "my-org", "XARGS_REPO_NAME": name},
}

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the recipes are POSIX shell scripts")


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=fleet", "-c", "user.email=fleet@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def fleet(tmp_path: Path) -> dict[str, Path]:
    repos = {}
    for name, files in REPOSITORIES.items():
        repo = tmp_path / name
        repo.mkdir(parents=True)
        git(repo, "init", "-q", "-b", "main")
        for file, text in files.items():
            (repo / file).write_text(text)
        git(repo, "add", ".")
        git(repo, "commit", "-q", "-m", "models")
        repos[name] = repo
    return repos


def run_recipe(recipe: str, name: str, repo: Path, reports: Path) -> None:
    """What the tool does in one clone: a branch, the script, then a commit of its changes."""
    if BRANCH not in git(repo, "branch", "--list", BRANCH):
        git(repo, "checkout", "-q", "-b", BRANCH)
    env = {
        **os.environ,
        **RECIPES[recipe](name),
        "KMC_REPORTS": str(reports),
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    }
    script = subprocess.run(
        ["sh", str(FLEET / recipe)],
        cwd=repo,
        env=env,
        stdin=subprocess.DEVNULL,  # no terminal: nothing may ask
        capture_output=True,
        text=True,
        check=False,
    )
    assert script.returncode == 0, script.stderr
    assert script.stdout == ""
    if git(repo, "status", "--porcelain"):
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "Fix Keras masks destroyed by layers")


@pytest.mark.parametrize("recipe", sorted(RECIPES))
def test_a_recipe_migrates_a_fleet_and_a_second_run_changes_nothing(
    recipe: str, tmp_path: Path
) -> None:
    repos = fleet(tmp_path / "repos")
    reports = tmp_path / "reports"
    reports.mkdir()
    for name, repo in repos.items():
        run_recipe(recipe, name, repo, reports)

    commits = {
        name: git(repo, "rev-list", "--count", f"main..{BRANCH}") for name, repo in repos.items()
    }
    assert commits == {"sensors": "1\n", "blocks": "0\n", "clean": "0\n"}
    assert "MaskedConv1D" in (repos["sensors"] / "model.py").read_text()
    assert git(repos["sensors"], "show", "--stat", "--format=", "HEAD").count("|") >= 1
    description = (reports / "my-org__sensors.md").read_text()
    assert description.startswith("## Keras masks: 1 destroyed mask rewritten in 1 file\n")
    left = (reports / "my-org__blocks.md").read_text()
    assert "### Left for review (1)" in left and "KMC900" in left
    assert "0 destroyed masks rewritten" in (reports / "my-org__clean.md").read_text()

    heads = {name: git(repo, "rev-parse", "HEAD") for name, repo in repos.items()}
    for name, repo in repos.items():
        run_recipe(recipe, name, repo, reports)
        assert git(repo, "status", "--porcelain") == ""
    assert {name: git(repo, "rev-parse", "HEAD") for name, repo in repos.items()} == heads
