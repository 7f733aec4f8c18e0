"""`keras-mask-codemod explain`: every rule explained, and every example is what fix really does."""

from __future__ import annotations

import textwrap

import pytest
from typer.testing import CliRunner

from codemod.analysis import analyze
from codemod.analysis.findings import Code
from codemod.cli import app
from codemod.explain import EXPLANATIONS
from codemod.rewrite.pipeline import fix_text

HEADER = "from keras import Sequential, layers\n\nmodel = Sequential([\n"


def as_model(fragment: str) -> str:
    return HEADER + textwrap.indent(fragment, "    ") + "\n])\n"


@pytest.mark.parametrize("code", list(Code), ids=[c.value for c in Code])
def test_the_example_raises_the_code_and_fix_gives_the_after(code: Code) -> None:
    item = EXPLANATIONS[code]
    before = as_model(item.before)
    assert code in {f.code for f in analyze(before)}
    after = fix_text(before, "auto", helpers_module="h").text
    body = after.split("model = Sequential([\n", 1)[1]
    assert body == textwrap.indent(item.after, "    ") + "\n])\n"


def test_explain_through_the_cli() -> None:
    result = CliRunner().invoke(app, ["explain", "kmc301"])
    assert result.exit_code == 0
    assert result.stdout.startswith("KMC301: a mask reaches TimeDistributed")
    assert "Before:\n" in result.stdout and "Strategies:\n" in result.stdout
    listing = CliRunner().invoke(app, ["explain"])
    assert all(code.value in listing.stdout for code in Code)
    bad = CliRunner().invoke(app, ["explain", "KMC999"])
    assert bad.exit_code == 2 and bad.stderr.startswith(
        "keras-mask-codemod: error: unknown rule code"
    )


def test_the_keras_2_claims_are_what_fix_does() -> None:
    """On a Keras 2 target mask-aware does not apply and lambda makes Masking ApplyMaskValue."""
    from codemod.target import parse_target

    item = EXPLANATIONS[Code.MASKING_TO_CONV]
    assert "Keras 3 only: not for Keras 2 code" in item.strategies
    assert "on Keras 2 the registered layer ApplyMaskValue(...)" in item.strategies
    before = as_model(item.before)
    target = parse_target("2.15", "--target-keras", "--target-keras")
    aware = fix_text(before, "mask-aware", target=target)
    assert aware.text == before
    assert all("the mask-aware helpers need Keras 3" in c.reason for c in aware.changes)
    body = fix_text(before, "lambda", target=target).text.split("model = Sequential([\n", 1)[1]
    assert body.startswith("    ApplyMaskValue(mask_value=-1.0),\n")
