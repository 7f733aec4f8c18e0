"""The strategy registry: one module per strategy, and everything else derived from it.

A strategy registered inside a test shows up wherever strategies are listed or accepted (the
`--strategy` choices, pyproject's `strategy`, `fix` itself), with no other file touched.
`explain` lists it too (tests/test_explain.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codemod.analysis import analyze
from codemod.cli import app
from codemod.rewrite import auto, strategies
from codemod.rewrite.helper_source import HELPER_NAMES, KERAS_2_HELPER_NAMES
from codemod.rewrite.outcome import NotApplicable
from codemod.rewrite.plan import plan
from codemod.rewrite.strategies import Strategy, registering
from codemod.rewrite.syntax import SourceIndex
from tests.golden import GOLDEN, cases

README = Path(__file__).resolve().parent.parent / "README.md"
MODEL = (
    "from tensorflow import keras\n\n"
    "model = keras.Sequential([keras.layers.Masking(), keras.layers.Conv1D(4, 3)])\n"
)


class TestOnly(Strategy):
    """A strategy that never applies: enough to see where the registry reaches."""

    name = "test-only"
    summary = "Rewrites nothing; it exists for this test."
    guarantee = "Nothing changes."
    listed = 50

    def not_applicable(self, finding, keep_producer=False, others=None):
        return "the test-only strategy never applies"


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def test_the_three_strategies_are_found_in_their_modules() -> None:
    assert strategies.names() == ("mask-aware", "lambda", "remove")
    assert strategies.choices() == ("auto", "mask-aware", "lambda", "remove")
    for strategy in strategies.registered():
        module = type(strategy).__module__
        assert module.startswith("codemod.rewrite.strategies."), module
        assert strategy.summary and strategy.guarantee


def test_a_registered_strategy_is_a_fix_choice(tmp_path: Path) -> None:
    model = tmp_path / "model.py"
    model.write_text(MODEL)
    with registering(TestOnly):
        assert "test-only" in strategies.choices()
        result = invoke("fix", "--strategy", "test-only", str(model))
        refused = invoke("fix", "--strategy", "nonsense", str(model))
    assert "test-only not applicable: the test-only strategy never applies" in result.output
    assert model.read_text() == MODEL
    assert "test-only" in refused.output
    assert "test-only" not in strategies.choices()  # gone with the block


def test_a_registered_strategy_is_accepted_in_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.keras-mask-codemod]\nstrategy = "test-only"\n')
    model = tmp_path / "model.py"
    model.write_text(MODEL)
    with registering(TestOnly):
        accepted = invoke("fix", "--dry-run", str(model))
    refused = invoke("fix", "--dry-run", str(model))
    assert "test-only not applicable" in accepted.output
    assert "strategy must be one of auto, mask-aware, lambda, remove" in refused.output


def test_registering_a_taken_name_is_refused() -> None:
    class Clash(TestOnly):
        name = "lambda"

    with pytest.raises(ValueError, match="already registered"), registering(Clash):
        pass


def test_the_helpers_each_strategy_names_are_in_the_templates() -> None:
    for strategy in strategies.registered():
        assert strategy.helpers <= HELPER_NAMES | KERAS_2_HELPER_NAMES, strategy.name


def test_the_readme_strategy_table_lists_the_registry() -> None:
    section = README.read_text("utf-8").split("### Strategies and what they guarantee", 1)[1]
    table = section.split("\n\n", 2)[1]
    rows = re.findall(r"^\| `([a-z-]+)`", table, flags=re.MULTILINE)
    assert rows == [*strategies.names(), "auto"]


@pytest.mark.parametrize("case", cases(), ids=lambda case: case.name)
def test_check_and_fix_make_the_same_auto_choice(case: Path) -> None:
    """check's JSON `strategy` and fix come from one decision (rewrite/auto.py). They differ
    only where the source itself prevents check's choice (a class chosen at run time...)."""
    text = (case / "input.py").read_text("utf-8")
    findings = analyze(text)
    index = SourceIndex(text)
    checked = {f: choice.strategy for f, choice in auto.choose(findings).items()}
    changes, _ = plan(findings, "auto", index)
    fixed = {change.finding: change.strategy for change in changes}
    assert checked.keys() == fixed.keys()
    for finding, strategy in checked.items():
        if fixed[finding] != strategy:
            prevented = strategies.attempt(strategies.get(strategy), finding, index, False)
            assert isinstance(prevented, NotApplicable), (finding.line, strategy)
    assert GOLDEN in case.parents
