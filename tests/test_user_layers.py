"""Layers the user wrote whose call returns what a producer inside them made (an encoder returning
its Embedding's output). Keras keeps that mask on the returned tensor when the model runs (predict,
fit, a call), not while it is built: tests/test_golden_keras.py shows it on golden p61 and n19, under
both backends. The finding asks for a review: the fixes we prove need the mask at build time."""

from __future__ import annotations

import pytest

from codemod.analysis import analyze
from codemod.analysis.findings import Code

ENCODER = """\
import keras
from keras import layers


class Encoder(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.embedding = layers.Embedding(100, 8, mask_zero=True)
        self.dropout = layers.Dropout(0.1)

    def call(self, tokens):
        {body}


tokens = keras.Input((10,), dtype="int32")
x = layers.Conv1D(4, 3)(Encoder()(tokens))
model = keras.Model(tokens, x)
"""

KEEPS_THE_MASK = {
    "returned as made": "return self.embedding(tokens)",
    "through a layer that passes it on": "return self.dropout(self.embedding(tokens))",
    "through a variable": "x = self.embedding(tokens)\n        return x",
}

LOSES_THE_MASK = {
    "an op on the tensor": "return self.embedding(tokens) * 2.0",
    "a Keras op": "return keras.ops.tanh(self.embedding(tokens))",
    "not the embedding's output": "self.embedding(tokens)\n        return tokens",
}


@pytest.mark.parametrize("body", KEEPS_THE_MASK.values(), ids=KEEPS_THE_MASK.keys())
def test_a_mask_made_inside_call_is_reported_for_review(body: str) -> None:
    source = ENCODER.format(body=body)
    line = source.splitlines().index("x = layers.Conv1D(4, 3)(Encoder()(tokens))") + 1
    findings = analyze(source)
    assert [(f.code, f.line, f.destroyer.name) for f in findings] == [
        (Code.MANUAL_REVIEW, line, "Conv1D")
    ]
    assert findings[0].message == (
        f"the mask from Encoder (line {line}) may reach Conv1D (line {line}): Encoder's call returns what"
        " its Embedding makes, whose mask Keras keeps when the model runs (predict, fit) but not"
        " while it is built; review by hand"
    )


@pytest.mark.parametrize("body", LOSES_THE_MASK.values(), ids=LOSES_THE_MASK.keys())
def test_a_mask_lost_inside_call_is_not_reported(body: str) -> None:
    assert analyze(ENCODER.format(body=body)) == []


def test_such_a_layer_still_destroys_the_mask_it_is_given() -> None:
    """It does not support masking: a mask arriving at it warns, and its own replaces it."""
    source = ENCODER.format(body="return self.embedding(tokens)").replace(
        "x = layers.Conv1D(4, 3)(Encoder()(tokens))",
        "x = layers.Conv1D(4, 3)(Encoder()(layers.Masking()(tokens)))",
    )
    found = sorted((f.code.value, f.destroyer.name) for f in analyze(source))
    assert found == [("KMC201", "Encoder"), ("KMC900", "Conv1D")]


def test_a_layer_with_its_own_compute_mask_is_left_to_it() -> None:
    """compute_mask decides such a layer's mask (KMC103 when it makes one): not this rule."""
    source = ENCODER.format(body="return self.embedding(tokens)").replace(
        "    def call(self, tokens):",
        "    def compute_mask(self, tokens, mask=None):\n        return None\n\n"
        "    def call(self, tokens):",
    )
    assert analyze(source) == []
