"""The rule objects (codemod/analysis/rules/): one per code, and their examples are true.

Each rule's INVALID examples get at least one finding with its code, its VALID examples none;
tests/test_examples_keras.py runs the same examples in real Keras. The README's rule table is
the one the objects make.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from codemod.analysis import analyze, rules
from codemod.analysis.findings import Code
from codemod.analysis.rules import RULES, Rule
from codemod.catalogue import Family

README = Path(__file__).resolve().parent.parent / "README.md"


def cases(kind: str) -> list:
    return [
        pytest.param(rule, text, id=f"{rule.code.value}-{kind}-{number}")
        for rule in RULES
        for number, text in enumerate(getattr(rule, kind), 1)
    ]


@pytest.mark.parametrize(("rule", "text"), cases("invalid"))
def test_an_invalid_example_gets_the_rules_code(rule: Rule, text: str) -> None:
    codes = {finding.code for finding in analyze(text)}
    assert rule.code in codes


@pytest.mark.parametrize(("rule", "text"), cases("valid"))
def test_a_valid_example_does_not(rule: Rule, text: str) -> None:
    assert rule.code not in {finding.code for finding in analyze(text)}


def test_every_code_has_exactly_one_rule_in_code_order() -> None:
    assert [rule.code for rule in RULES] == sorted(Code, key=lambda code: code.value)
    assert all(rules.get(code).code is code for code in Code)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code.value)
def test_a_rule_is_complete(rule: Rule) -> None:
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
    assert rule.invalid and rule.valid
    for text in (rule.title, rule.when):
        assert text and "\n" not in text and "|" not in text  # a Markdown table cell
    assert rule.why.strip() == rule.why and rule.why.endswith(".")
    for example in (*rule.invalid, *rule.valid):
        tree = ast.parse(example)  # a whole program: its imports and a module-level model
        assert isinstance(tree.body[0], (ast.Import, ast.ImportFrom))
        assert "model = " in example and example.endswith("\n")
        assert "keras" in example


def test_rule_names_are_unique() -> None:
    assert len({rule.name for rule in RULES}) == len(RULES)


def test_the_code_at_a_destroyer_is_the_first_rule_covering_it() -> None:
    """The analysis's choice, as a table: producer kind x destroying layer's family."""
    conv, pooling = Family.CONVOLUTION, Family.POOLING
    expected = {
        ("masking", conv): Code.MASKING_TO_CONV,
        ("embedding", conv): Code.EMBEDDING_TO_CONV,
        ("keras-hub-embedding", conv): Code.EMBEDDING_TO_CONV,
        ("lambda", conv): Code.OTHER_PRODUCER_TO_CONV,
        ("time-distributed-masking", conv): Code.OTHER_PRODUCER_TO_CONV,
        ("masking", pooling): Code.TO_OTHER_DESTROYER,
        ("embedding", Family.FLATTEN): Code.TO_OTHER_DESTROYER,
        ("masking", None): Code.TO_OTHER_DESTROYER,  # a user's own layer
    }
    assert {key: rules.at_destroyer(*key).code for key in expected} == expected
    assert {rule.code for rule in RULES if rule.covers is None} == {
        Code.TIME_DISTRIBUTED,
        Code.OUTDATED_HELPERS,
        Code.MANUAL_REVIEW,
    }


def readme_rule_table() -> str:
    text = README.read_text("utf-8").split("\n### Rule codes\n", 1)[1]
    return text.lstrip("\n").split("\n\n", 1)[0] + "\n"  # the first paragraph under the heading


def test_the_readme_rule_table_is_the_one_the_rules_make() -> None:
    assert readme_rule_table() == rules.markdown_table()


def test_the_readme_table_lists_codes_and_titles() -> None:
    rows = [line.split(" | ") for line in readme_rule_table().splitlines()[2:]]
    assert [(row[0].lstrip("| "), row[2]) for row in rows] == [
        (rule.code.value, rule.title) for rule in RULES
    ]
