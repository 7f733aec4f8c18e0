"""[tool.keras-mask-codemod] in pyproject.toml, through the real CLI: used, overridden by the
command line, and rejected with a one-line error naming the key when wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from codemod.cli import app
from codemod.rewrite.style import CodeStyle
from codemod.settings import load_settings

SCALED = (
    "from keras import Sequential, layers\n\n"
    "model = Sequential([layers.Masking(-1.0), layers.Conv1D(4, 3), layers.Dense(2)])\n"
)


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "model.py").write_text(SCALED)
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "old.py").write_text(SCALED)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def configure(project: Path, body: str) -> None:
    (project / "pyproject.toml").write_text(f"[tool.keras-mask-codemod]\n{body}")


def test_strategy_from_the_file_and_the_command_line_wins(project: Path) -> None:
    configure(project, 'strategy = "mask-aware"\n')
    result = invoke("fix", "--dry-run", "src")
    assert (
        "src/model.py:3: mask-aware: Conv1D -> MaskedConv1D (--strategy mask-aware)"
        in result.stderr
    )
    result = invoke("fix", "--dry-run", "--strategy", "lambda", "src")
    assert "src/model.py:3: lambda: Masking -> Lambda(apply_mask)" in result.stderr


def test_exclude_select_and_format_from_the_file(project: Path) -> None:
    configure(project, 'exclude = ["legacy"]\nselect = ["KMC2"]\nformat = "json"\n')
    result = invoke("check", ".")
    assert result.exit_code == 0 and '"findings": []' in result.stdout
    configure(project, 'exclude = ["legacy"]\n')
    result = invoke("check", ".")
    assert result.exit_code == 1
    assert result.stdout.startswith("src/model.py:3:") and "legacy" not in result.stdout
    assert invoke("check", ".", "--exclude", "src").stdout.startswith("legacy/old.py:3:")


def test_the_nearest_pyproject_above_the_path_is_used(project: Path) -> None:
    configure(project, 'strategy = "remove"\n')
    (project / "src" / "pyproject.toml").write_text(
        '[tool.keras-mask-codemod]\nstrategy = "lambda"\n'
    )
    result = invoke("fix", "--dry-run", "src/model.py")
    assert "lambda: Masking -> Lambda" in result.stderr


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('stratgy = "lambda"\n', "unknown key 'stratgy' (known: strategy, exclude,"),
        (
            'strategy = "magic"\n',
            "strategy must be one of auto, mask-aware, lambda, remove, not 'magic'",
        ),
        ('exclude = "legacy"\n', "exclude must be a list of strings"),
        ("force-exclude = 1\n", "force-exclude must be true or false, not 1"),
        ('helpers-module = "my helpers"\n', "helpers-module must be a dotted module name"),
        ('strategy = "auto\n', "not valid TOML"),
    ],
)
def test_a_mistake_is_one_line_naming_the_file_and_key(
    project: Path, body: str, message: str
) -> None:
    configure(project, body)
    result = invoke("check", "src")
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"keras-mask-codemod: error: {project.resolve() / 'pyproject.toml'}: ")
    assert message in line


def test_select_codes_in_the_file_are_validated(project: Path) -> None:
    configure(project, 'select = ["KMC999"]\n')
    result = invoke("check", "src")
    assert result.exit_code == 2 and "unknown rule code 'KMC999'" in result.stderr


# The project's formatting: what fix writes follows it ---------------------------------------


@pytest.mark.parametrize(
    ("toml", "length", "quote"),
    [
        ("", 88, '"'),
        ("[tool.black]\nline-length = 100\n", 100, '"'),
        ("[tool.ruff]\nline-length = 120\n", 120, '"'),
        ("[tool.black]\nline-length = 79\n[tool.ruff]\nline-length = 120\n", 79, '"'),
        ('[tool.ruff]\nline-length = 100\n[tool.ruff.format]\nquote-style = "single"\n', 100, "'"),
        ('[tool.black]\nline-length = "long"\n', 88, '"'),
    ],
)
def test_the_code_style_comes_from_black_and_ruff(
    tmp_path: Path, toml: str, length: int, quote: str
) -> None:
    (tmp_path / "pyproject.toml").write_text(toml)
    assert load_settings(tmp_path).style == CodeStyle(length, quote)


def test_fix_follows_the_projects_line_length_and_quotes(tmp_path: Path) -> None:
    """A Lambda that fits the project's 120 columns stays on its line (black's 88 would split
    it); its key is single quoted."""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ruff]\nline-length = 120\n[tool.ruff.format]\nquote-style = "single"\n'
    )
    model = tmp_path / "model.py"
    model.write_text(
        "from tensorflow.keras import layers\n\n"
        "masking = layers.Masking(mask_value=-1.0)\n"
        "conv = layers.Conv1D(4, 3)(masking(layers.Input((5, 2))))\n"
    )
    result = CliRunner().invoke(app, ["fix", "--strategy", "lambda", str(model)])
    assert result.exit_code == 0, result.output
    assert (
        "masking = layers.Lambda(apply_mask, output_shape=apply_mask_output_shape, "
        "arguments={'mask_value': -1.0})\n"
    ) in model.read_text()
