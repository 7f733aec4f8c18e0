"""`keras-mask-codemod explain`: every rule explained from its object, with what fix really does."""

from __future__ import annotations

import textwrap

import pytest
from typer.testing import CliRunner

from codemod.analysis import rules
from codemod.analysis.findings import Code, Finding
from codemod.cli import app
from codemod.explain import collapse_helpers, explain, summary
from codemod.rewrite.pipeline import fix_text
from codemod.rewrite.strategies import Strategy, registered, registering


def indented(text: str) -> str:
    return textwrap.indent(text.rstrip("\n"), "    ")


@pytest.mark.parametrize("code", list(Code), ids=[c.value for c in Code])
def test_explain_shows_the_rule_its_example_and_what_fix_writes(code: Code) -> None:
    rule = rules.get(code)
    text = explain(code)
    assert text.startswith(f"{code.value} ({rule.name}): {rule.title}\n")
    assert indented(rule.invalid[0]) in text
    after = fix_text(rule.invalid[0]).text
    if after == rule.invalid[0]:
        assert code is Code.MANUAL_REVIEW
        assert "It leaves the file as it is." in text
    else:
        # The model part of the rewritten file, exactly (its helper definitions are shortened).
        model = after.split("model = ", 1)[1]
        assert indented("model = " + model) in text
    for strategy in registered():
        assert f"    {strategy.name}: " in text
        assert "Guarantee: " + strategy.guarantee.split()[0] in text


def test_the_after_text_is_the_fixed_file_with_its_helpers_shortened() -> None:
    example = rules.get(Code.MASKING_TO_CONV).invalid[0]
    after = fix_text(example).text
    shown = collapse_helpers(example, after)
    assert shown.count("\n") < 25 < after.count("\n")
    assert "# ... MaskedConv1D and the" in shown and "class MaskedConv1D" not in shown
    assert shown.splitlines()[-9:] == after.splitlines()[-9:]
    assert shown.startswith(example.split("\n\n", 1)[0])  # the imports


def test_each_strategy_says_whether_it_applies_to_the_example() -> None:
    text = explain(Code.MASKING_TO_CONV)  # Masking(mask_value=-1.0) -> Conv1D -> LSTM
    assert "mask-aware: applies to the example: Conv1D -> MaskedConv1D" in text
    assert "lambda: applies to the example: Masking -> Lambda(apply_mask)" in text
    assert "remove: does not apply to the example: mask_value is -1.0" in text
    assert "line 8: mask-aware: Conv1D -> MaskedConv1D (the LSTM at line 9 needs the mask)" in text


class OnlyInThisTest(Strategy):
    name = "test-only"
    summary = "A strategy that exists only in this test."
    guarantee = "Nothing at all: it never rewrites anything."
    listed = 99

    def not_applicable(
        self, finding: Finding, keep_producer: bool = False, others: object = None
    ) -> str | None:
        return f"the test-only strategy never fixes {finding.destroyer.name}"


def test_a_strategy_registered_later_appears_in_explain() -> None:
    with registering(OnlyInThisTest):
        text = explain(Code.MASKING_TO_CONV)
        cli = CliRunner().invoke(app, ["explain", "KMC101"])
    verdict = "test-only: does not apply to the example: the test-only strategy never fixes Conv1D"
    assert verdict in text
    assert "Guarantee: Nothing at all: it never rewrites anything." in text
    assert cli.exit_code == 0 and cli.stdout == text
    assert "test-only" not in explain(Code.MASKING_TO_CONV)


def test_explain_through_the_cli() -> None:
    result = CliRunner().invoke(app, ["explain", "kmc301"])
    assert result.exit_code == 0
    assert result.stdout.startswith(
        "KMC301 (time-distributed): a mask reaches TimeDistributed around a layer"
    )
    assert "Example (KMC301 at line 8):\n" in result.stdout
    assert "Strategies (`fix --strategy NAME`):\n" in result.stdout
    listing = CliRunner().invoke(app, ["explain"])
    assert listing.stdout == summary()
    for rule in rules.RULES:
        assert f"{rule.code.value}  {rule.name}\n        {rule.title}\n" in listing.stdout
    bad = CliRunner().invoke(app, ["explain", "KMC999"])
    assert bad.exit_code == 2 and bad.stderr.startswith(
        "keras-mask-codemod: error: unknown rule code"
    )


def test_the_keras_2_claims_are_what_fix_does() -> None:
    """The strategies say mask-aware is Keras 3 only and lambda writes ApplyMaskValue on Keras 2:
    on a Keras 2 target mask-aware does not apply and lambda makes Masking ApplyMaskValue."""
    from codemod.target import parse_target

    text = explain(Code.MASKING_TO_CONV)
    assert "Keras 3 only." in text
    assert "on Keras 2 the registered layer ApplyMaskValue(...)" in next(
        s.summary for s in registered() if s.name == "lambda"
    )
    before = rules.get(Code.MASKING_TO_CONV).invalid[0]
    target = parse_target("2.15", "--target-keras", "--target-keras")
    aware = fix_text(before, "mask-aware", target=target)
    assert aware.text == before
    assert all("the mask-aware helpers need Keras 3" in c.reason for c in aware.changes)
    after = fix_text(before, "lambda", target=target).text
    assert "    ApplyMaskValue(mask_value=-1.0),\n" in after.split("model = ", 1)[1]
