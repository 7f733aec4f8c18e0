"""One problem, one finding, one rewrite line: a builder run on its own and called from
`__main__` (once with a variable) is counted once, and fix's "left for review" agrees with what
check says after it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codemod.analysis import analyze
from codemod.cli import app
from codemod.rewrite.pipeline import FixError, fix_text
from tests.golden import cases

BUILDER = """\
import sys

import tensorflow as tf
from tensorflow.keras import layers


def build_model(vocab=1000, mask=True):
    inputs = tf.keras.Input((20,), dtype="int32")
    x = layers.Embedding(vocab, 16, mask_zero=mask)(inputs)
    x = layers.Conv1D(32, 3, padding="same")(x)
    x = layers.LSTM(8)(x)
    return tf.keras.Model(inputs, layers.Dense(1)(x))


def train():
    return build_model(vocab=500)


if __name__ == "__main__":
    use_mask = "--mask" in sys.argv
    model = build_model(mask=use_mask)
    again = build_model(mask=True)
    train()
"""


def test_a_layer_certainly_reached_is_one_finding_not_also_a_review() -> None:
    assert [(f.code.value, f.line) for f in analyze(BUILDER)] == [("KMC102", 10)]


def test_fix_lists_each_rewrite_once_and_leaves_nothing_check_would_find(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("model.py").write_text(BUILDER)
    fixed = CliRunner().invoke(app, ["fix", "model.py"])
    assert fixed.exit_code == 0, fixed.output
    assert fixed.stdout.splitlines() == [
        "model.py:10: mask-aware: Conv1D -> MaskedConv1D (the LSTM at line 11 needs the mask)"
    ]
    assert "left for review" not in fixed.stderr
    assert "Rewrote 1 finding in 1 file" in fixed.stderr
    checked = CliRunner().invoke(app, ["check", "model.py"])
    assert checked.exit_code == 0, checked.output


def with_main_block(source: str) -> str | None:
    """`source` with a `__main__` block calling each of its builders plainly, with a variable and
    with a literal for each parameter (None when it has no builder)."""
    tree = ast.parse(source)
    calls = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        if len(node.args.args) != len(node.args.defaults):
            continue
        calls.append(f"{node.name}()")
        for parameter in node.args.args:
            calls += [f"{node.name}({parameter.arg}=flag)", f"{node.name}({parameter.arg}=True)"]
    if not calls:
        return None
    block = "".join(f"    model_{number} = {call}\n" for number, call in enumerate(calls))
    return f'{source}\n\nif __name__ == "__main__":\n    flag = len(sys.argv) > 1\n{block}'


def builder_cases() -> list[pytest.param]:
    found = []
    for case in cases():
        source = with_main_block((case / "input.py").read_text())
        if source is not None:
            found.append(pytest.param("import sys\n" + source, id=case.name))
    return found


@pytest.mark.parametrize("source", builder_cases())
def test_builders_called_from_main_give_each_finding_and_rewrite_once(source: str) -> None:
    places = [(f.line, f.column, f.producer.line) for f in analyze(source)]
    assert len(places) == len(set(places))
    try:
        changes = fix_text(source).changes
    except FixError:
        return  # refused as a whole: nothing listed
    listed = [(c.finding.line, c.strategy, c.summary, c.reason) for c in changes]
    assert len(listed) == len(set(listed))
