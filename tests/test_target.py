"""`target-keras`: named on the command line or in pyproject.toml, else inferred from the project's
pin files, through the real CLI: which Keras each kind of pin file selects, what wins, what a bad
value says, and what a Keras 2 or a Keras 3.16 target changes in check and fix."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codemod.cli import app
from codemod.engine.parallel import MIN_CANDIDATES_FOR_WORKERS
from codemod.target import parse_target

MODEL = (
    "from keras import Sequential, layers\n\n"
    "model = Sequential([layers.Masking(-1.0), layers.Conv1D(4, 3), layers.LSTM(2)])\n"
)
# Keras 3.16 (today's master): RNNs stop supporting masks, yet still read the mask they get.
STACKED_LSTM = (
    "import keras\n"
    "from keras import layers\n\n"
    "model = keras.Sequential([\n"
    "    layers.Masking(mask_value=0.0),\n"
    "    layers.LSTM(16, return_sequences=True),\n"
    "    layers.LSTM(8),\n"
    "])\n"
)
VIDEO = (
    "from keras import layers\n\n"
    "frames = layers.Input(shape=(16, 64, 64, 3))\n"
    "x = layers.Masking()(frames)\n"
    "x = layers.TimeDistributed(layers.Conv2D(8, 3))(x)\n"
    "x = layers.LSTM(32)(layers.TimeDistributed(layers.Flatten())(x))\n"
)
TF_2 = "; TensorFlow before 2.16 comes with Keras 2"
TF_3 = "; TensorFlow 2.16 and later come with Keras 3, assuming its newest release"
DEFAULT = "default: no Keras or TensorFlow pin found, assuming the newest release"


def invoke(*args: str, stdin: str | None = None):
    return CliRunner().invoke(app, list(args), input=stdin)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git work tree (whose root bounds the search for pins) holding src/model.py."""
    root = tmp_path / "project"
    (root / "src").mkdir(parents=True)
    (root / "src" / "model.py").write_text(MODEL)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    monkeypatch.chdir(root)
    return root


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def target_of(*args: str) -> dict[str, str]:
    result = invoke("check", "--format", "json", *args, "src")
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)["target"]


POETRY_LOCK = """\
[[package]]
name = "absl-py"
version = "2.1.0"
description = "Abseil Python Common Libraries"

[[package]]
name = "keras"
version = "3.4.1"
description = "Multi-backend Keras."
optional = false

[package.dependencies]
numpy = "*"

[metadata]
lock-version = "2.0"
"""
UV_LOCK = """\
version = 1
requires-python = ">=3.10"

[[package]]
name = "keras"
version = "2.15.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "tensorflow"
version = "2.15.1"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "keras" },
]
"""
PIN_FILES = {
    "pyproject PEP 621": (
        {
            "pyproject.toml": "[project]\nname = 'app'\ndependencies = [\n"
            "  'numpy>=1.26',\n  \"TensorFlow_CPU>=2.12,<2.16; python_version < '3.12'\",\n]\n"
        },
        ("2.15", "2", f"pyproject.toml: TensorFlow_CPU>=2.12,<2.16{TF_2}"),
    ),
    "pyproject optional-dependencies": (
        {
            "pyproject.toml": "[project]\nname = 'app'\ndependencies = []\n\n"
            "[project.optional-dependencies]\nml = ['keras[backends]==3.4.1']\n"
        },
        ("3.4", "3", "pyproject.toml: keras[backends]==3.4.1"),
    ),
    "poetry table": (
        {
            "pyproject.toml": "[tool.poetry.dependencies]\npython = '^3.10'\n"
            "keras = { version = '~3.8', optional = true }\n"
        },
        ("3.8", "3", "pyproject.toml: keras ~3.8"),
    ),
    "requirements with -r include": (
        {
            "requirements.txt": "requests  # http\n-r requirements/base.txt\n",
            "requirements/base.txt": "tensorflow==2.15.0 \\\n    --hash=sha256:0123abcd\n",
        },
        ("2.15", "2", f"requirements/base.txt: tensorflow==2.15.0{TF_2}"),
    ),
    "setup.cfg": (
        {
            "setup.cfg": "[metadata]\nname = app\n\n[options]\ninstall_requires =\n"
            "    numpy\n    tensorflow~=2.14.0\n"
        },
        ("2.14", "2", f"setup.cfg: tensorflow~=2.14.0{TF_2}"),
    ),
    "setup.py, never run": (
        {
            "setup.py": "import sys\nsys.exit('setup.py was run')\n"
            "from setuptools import setup\n\nREQUIRES = ['keras>=3.0,<3.10']\n"
            "setup(name='app', install_requires=REQUIRES)\n"
        },
        ("3.9", "3", "setup.py: keras>=3.0,<3.10"),
    ),
    "Pipfile": (
        {"Pipfile": '[packages]\nrequests = "*"\ntensorflow = "==2.16.1"\n'},
        ("3.15", "3", f"Pipfile: tensorflow==2.16.1{TF_3}"),
    ),
    "environment.yml with pip": (
        {
            "environment.yml": "name: ml\nchannels:\n  - conda-forge\ndependencies:\n"
            "  - python=3.11\n  - numpy  # arrays\n  - pip\n  - pip:\n"
            "      - keras>=3.16\nvariables:\n  KERAS_BACKEND: jax\n"
        },
        ("3.16", "3.16", "environment.yml: keras>=3.16"),
    ),
    "environment.yml conda spec": (
        {"environment.yml": "dependencies:\n- conda-forge::tensorflow=2.13\n- pip\n"},
        ("2.13", "2", f"environment.yml: conda-forge::tensorflow=2.13{TF_2}"),
    ),
    "poetry.lock over the specifier": (
        {
            "pyproject.toml": "[tool.poetry.dependencies]\nkeras = '^3.0'\n",
            "poetry.lock": POETRY_LOCK,
        },
        ("3.4", "3", "poetry.lock: keras 3.4.1"),
    ),
    "uv.lock": (
        {"uv.lock": UV_LOCK},
        ("2.15", "2", "uv.lock: keras 2.15.0"),
    ),
    "Pipfile.lock": (
        {
            "Pipfile.lock": json.dumps(
                {
                    "_meta": {"hash": {"sha256": "0"}},
                    "default": {"tensorflow": {"version": "==2.13.1"}},
                    "develop": {},
                }
            )
        },
        ("2.13", "2", f"Pipfile.lock: tensorflow 2.13.1{TF_2}"),
    ),
}


@pytest.mark.parametrize(("files", "expected"), PIN_FILES.values(), ids=PIN_FILES.keys())
def test_each_kind_of_pin_file_selects_the_target(
    project: Path, files: dict[str, str], expected: tuple[str, str, str]
) -> None:
    write(project, files)
    keras, catalogue, source = expected
    assert target_of() == {"keras": keras, "catalogue": catalogue, "source": source}


@pytest.mark.parametrize(
    ("spec", "keras"),
    [
        ("==2.15.0", "2.15"),
        ("<2.16", "2.15"),
        (">=2.12,<2.16", "2.15"),
        ("~=2.15.0", "2.15"),
        ("==2.15.*", "2.15"),
        (">2.15.0,<2.16", "2.15"),
        (">=2.16", "3.15"),
        ("", "3.15"),
    ],
)
def test_a_specifier_gives_the_newest_version_it_admits(
    project: Path, spec: str, keras: str
) -> None:
    write(project, {"requirements.txt": f"tensorflow{spec}\n"})
    assert target_of()["keras"] == keras


def test_specifiers_for_one_package_must_all_hold(project: Path) -> None:
    write(
        project,
        {
            "pyproject.toml": "[project]\nname = 'app'\ndependencies = ['tensorflow>=2.12']\n",
            "requirements.txt": "tensorflow==2.15.0\n",
        },
    )
    target = target_of()
    assert target["keras"] == "2.15"
    assert target["source"] == (
        f"pyproject.toml: tensorflow>=2.12; requirements.txt: tensorflow==2.15.0{TF_2}"
    )


def test_a_keras_pin_decides_over_tensorflow(project: Path) -> None:
    write(project, {"requirements.txt": "tensorflow==2.15.0\nkeras==3.3.3\n"})
    assert target_of() == {
        "keras": "3.3",
        "catalogue": "3",
        "source": "requirements.txt: keras==3.3.3",
    }


def test_no_pins_assume_the_newest_release(project: Path) -> None:
    result = invoke("check", "--verbose", "src")
    assert result.stderr.startswith(f"target: Keras 3.15 ({DEFAULT})\n")


def test_pins_above_the_git_work_tree_are_not_read(project: Path) -> None:
    write(project.parent, {"requirements.txt": "tensorflow==2.15.0\n"})
    assert target_of()["source"] == DEFAULT


def test_the_nearest_folder_with_pins_is_used(project: Path) -> None:
    write(project, {"requirements.txt": "tensorflow==2.15.0\n", "src/requirements.txt": "keras\n"})
    assert target_of() == {
        "keras": "3.15",
        "catalogue": "3",
        "source": "src/requirements.txt: keras",
    }


def test_stdin_finds_the_pins_of_its_file_name(project: Path) -> None:
    write(project, {"requirements.txt": "tensorflow==2.15.0\n"})
    result = invoke("check", "-", "--stdin-filename", "src/model.py", "-v", stdin=MODEL)
    assert result.stderr.startswith(
        f"target: Keras 2.15 (requirements.txt: tensorflow==2.15.0{TF_2})"
    )


def test_command_line_beats_pyproject_beats_pins(project: Path) -> None:
    write(project, {"requirements.txt": "tensorflow==2.15.0\n"})
    assert target_of()["catalogue"] == "2"
    write(project, {"pyproject.toml": '[tool.keras-mask-codemod]\ntarget-keras = "3.16"\n'})
    assert target_of() == {
        "keras": "3.16",
        "catalogue": "3.16",
        "source": "pyproject.toml [tool.keras-mask-codemod] target-keras",
    }
    assert target_of("--target-keras", "3.3") == {
        "keras": "3.3",
        "catalogue": "3",
        "source": "--target-keras",
    }


@pytest.mark.parametrize(
    ("value", "shown"),
    [('"4"', "'4'"), ('"3.x"', "'3.x'"), ('"3.15.1"', "'3.15.1'"), ("3.15", "3.15")],
)
def test_a_bad_setting_is_one_line_naming_the_file_and_key(
    project: Path, value: str, shown: str
) -> None:
    write(project, {"pyproject.toml": f"[tool.keras-mask-codemod]\ntarget-keras = {value}\n"})
    for command in ("check", "fix"):
        result = invoke(command, "src")
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr == (
            f"keras-mask-codemod: error: {project / 'pyproject.toml'}: [tool.keras-mask-codemod] "
            f'target-keras must be a Keras version string such as "2", "2.15", "3" or "3.16", '
            f"not {shown}\n"
        )


def test_a_bad_option_is_one_line(project: Path) -> None:
    result = invoke("fix", "--target-keras", "latest", "src")
    assert result.exit_code == 2
    assert result.stderr == (
        "keras-mask-codemod: error: --target-keras must be a Keras version string such as "
        '"2", "2.15", "3" or "3.16", not \'latest\'\n'
    )


@pytest.mark.parametrize(
    ("value", "version", "release"),
    [
        ("2", "2", "2"),
        ("2.15", "2.15", "2"),
        ("3", "3", "3"),
        ("3.3", "3.3", "3"),
        ("3.15", "3.15", "3"),
        ("3.16", "3.16", "3.16"),
        ("3.20", "3.20", "3.16"),
    ],
)
def test_named_targets_select_a_release(value: str, version: str, release: str) -> None:
    target = parse_target(value, "--target-keras", "--target-keras")
    assert (target.version, target.release) == (version, release)


def test_keras_2_target_says_the_mask_is_dropped_silently(project: Path) -> None:
    default = invoke("check", "src").stdout
    assert default == (
        "src/model.py:3:43: KMC101 Conv1D does not support masking and destroys the mask from "
        "Masking(mask_value=-1.0) (line 3); the LSTM at line 3 never sees it\n"
    )
    write(project, {"requirements.txt": "tensorflow==2.15.0\n"})
    assert invoke("check", "src").stdout == default.replace(
        "(line 3); the LSTM", "(line 3); Keras 2 drops it silently, with no warning; the LSTM"
    )


def test_keras_2_target_says_time_distributed_raises(project: Path) -> None:
    """tf_keras: TimeDistributed asks the wrapped layer for the mask of each frame, and a layer
    that does not support masking raises TypeError there."""
    write(project, {"src/model.py": VIDEO})
    result = invoke("check", "--target-keras", "2.15", "src")
    assert result.stdout == (
        "src/model.py:5:5: KMC301 TimeDistributed(Conv2D) receives the mask from "
        "Masking(mask_value=0.0) (line 4); in Keras 2 the model raises TypeError here, as the "
        "wrapped layer does not support masking; the LSTM at line 6 never sees it\n"
    )


def test_keras_2_target_reaches_worker_processes(project: Path) -> None:
    write(project, {"requirements.txt": "tensorflow==2.15.0\n"})
    for number in range(MIN_CANDIDATES_FOR_WORKERS):
        write(project, {f"src/model_{number:02}.py": MODEL})
    result = invoke("check", "--jobs", "2", "src")
    lines = result.stdout.splitlines()
    assert len(lines) == MIN_CANDIDATES_FOR_WORKERS + 1
    assert all("Keras 2 drops it silently, with no warning" in line for line in lines)


def test_keras_2_target_makes_mask_aware_not_applicable(project: Path) -> None:
    write(project, {"requirements.txt": "tensorflow==2.15.0\n"})
    result = invoke("fix", "--strategy", "mask-aware", "--allow-dirty", "--verbose", "src")
    assert result.exit_code == 1
    assert result.stdout == (
        "src/model.py:3: mask-aware not applicable: the mask-aware helpers need Keras 3, and the "
        f"target is Keras 2.15 (requirements.txt: tensorflow==2.15.0{TF_2})\n"
    )
    assert result.stderr.startswith(
        f"target: Keras 2.15 (requirements.txt: tensorflow==2.15.0{TF_2})\n"
    )
    assert (project / "src" / "model.py").read_text() == MODEL


def test_fix_json_and_report_carry_the_target(project: Path) -> None:
    write(project, {"requirements.txt": "keras==3.4.1\n"})
    expected = {"keras": "3.4", "catalogue": "3", "source": "requirements.txt: keras==3.4.1"}
    result = invoke("fix", "--dry-run", "--format", "json", "--report", "report.json", "src")
    assert json.loads(result.stderr)["target"] == expected
    assert json.loads((project / "report.json").read_text())["target"] == expected


def test_keras_3_16_target_reports_an_rnn_destroying_the_mask(project: Path) -> None:
    write(project, {"src/model.py": STACKED_LSTM})
    assert invoke("check", "src").exit_code == 0  # Keras 3.15: the LSTM passes the mask on
    result = invoke("check", "--target-keras", "3.16", "src")
    assert result.exit_code == 1
    assert result.stdout == (
        "src/model.py:6:5: KMC201 LSTM does not support masking and destroys the mask from "
        "Masking(mask_value=0.0) (line 5); the LSTM at line 7 never sees it\n"
    )
    # The LSTM still reads the mask: removing Masking(0.0) would change what it computes.
    fixed = invoke("fix", "--target-keras", "3.16", "--allow-dirty", "src")
    assert fixed.exit_code == 1
    assert "remove: the LSTM reads the mask it is given" in fixed.stdout
    assert (project / "src" / "model.py").read_text() == STACKED_LSTM
