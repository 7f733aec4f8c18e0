"""The list idioms of real model code: each program is (producer -> destroyer) or clean.

Lists joined from branches and then grown, slices, repeats, comprehensions (in `call` too),
`enumerate`, `zip`, `reversed`, `list`, `range`, and a loop over a list chosen by a flag; a
parameter's literal default when a function is analysed on its own.
"""

from __future__ import annotations

import textwrap

import pytest

from codemod.analysis import analyze

HEAD = "import keras\nfrom keras import layers\n\n"
FOUND = {
    "joined on branches, then extended": """
        def build(extra=None):
            stack = []
            if extra is not None:
                stack = [extra]
            stack.extend([layers.Embedding(9, 4, mask_zero=True), layers.Conv1D(4, 3)])
            return keras.Sequential(stack)
        """,
    "joined on branches, then +=": """
        def build(flag):
            stack = [layers.Masking()] if flag else [layers.Masking(), layers.Dense(3)]
            stack += [layers.Conv1D(4, 3)]
            return keras.Sequential(stack)
        """,
    "a slice": """
        stack = [layers.Masking(), layers.Dense(3), layers.Conv1D(4, 3)]
        model = keras.Sequential(stack[:1] + stack[2:])
        """,
    "a repeat": """
        model = keras.Sequential([layers.Masking()] + [layers.Conv1D(4, 3, padding="same")] * 2)
        """,
    "a comprehension over a known list, in call": """
        class M(keras.Model):
            def __init__(self):
                super().__init__()
                self.embed = layers.Embedding(9, 4, mask_zero=True)
                self.convs = [layers.Conv1D(4, k) for k in (3, 5)]

            def call(self, x):
                x = self.embed(x)
                return [conv(x) for conv in self.convs]
        """,
    "a comprehension over a list the analysis does not know": """
        def build(sizes):
            x = inputs = keras.Input((None, 3))
            x = layers.Masking()(x)
            outs = [layers.Conv1D(4, k)(x) for k in sizes]
            return keras.Model(inputs, outs)
        """,
    "enumerate": """
        def build():
            blocks = [layers.Dense(4), layers.Conv1D(4, 3)]
            x = inputs = keras.Input((None, 3))
            x = layers.Masking()(x)
            for i, block in enumerate(blocks):
                x = block(x)
            return keras.Model(inputs, x)
        """,
    "zip and reversed": """
        def build():
            blocks = [layers.Conv1D(4, 3), layers.Dense(4)]
            names = ["a", "b"]
            x = inputs = keras.Input((None, 3))
            x = layers.Masking()(x)
            for block, name in zip(reversed(list(blocks)), names):
                x = block(x)
            return keras.Model(inputs, x)
        """,
    "range": """
        def build():
            x = inputs = keras.Input((None, 3))
            x = layers.Masking()(x)
            for _ in range(2):
                x = layers.Conv1D(4, 3, padding="same")(x)
            return keras.Model(inputs, x)
        """,
    "a loop over a list chosen by a flag": """
        def build(kind):
            cnn = [layers.Conv1D(4, 3)]
            rnn = [layers.GRU(4, return_sequences=True)]
            x = inputs = keras.Input((None, 3))
            x = layers.Masking()(x)
            for block in cnn if kind == "cnn" else rnn:
                x = block(x)
            return keras.Model(inputs, x)
        """,
    "a parameter's default makes the producer": """
        def build(mask_zero=True):
            return keras.Sequential(
                [layers.Embedding(9, 4, mask_zero=mask_zero), layers.Conv1D(4, 3)]
            )
        """,
}
CLEAN = {
    "the masked list is not the one sliced": """
        stack = [layers.Masking(), layers.Dense(3), layers.Conv1D(4, 3)]
        model = keras.Sequential(stack[1:])
        """,
    "a parameter's default that makes no producer": """
        def build(mask_zero=False):
            return keras.Sequential(
                [layers.Embedding(9, 4, mask_zero=mask_zero), layers.Conv1D(4, 3)]
            )
        """,
    "a builtin the file rebinds is not followed": """
        def enumerate(items):
            return []

        def build():
            x = inputs = keras.Input((None, 3))
            x = layers.Masking()(x)
            for i, block in enumerate([layers.Conv1D(4, 3)]):
                x = block(x)
            return keras.Model(inputs, layers.Dense(3)(x))
        """,
    "the flag's other list ends the mask first": """
        def build(kind):
            cnn = [layers.LSTM(4), layers.Reshape((4, 1)), layers.Conv1D(4, 1)]
            x = inputs = keras.Input((None, 3))
            x = layers.Masking()(x)
            for block in cnn if kind == "cnn" else []:
                x = block(x)
            return keras.Model(inputs, x)
        """,
}


def codes(body: str) -> list[str]:
    return [f.code.value for f in analyze(HEAD + textwrap.dedent(body))]


@pytest.mark.parametrize("body", FOUND.values(), ids=FOUND.keys())
def test_the_mask_is_followed_to_the_destroyer(body: str) -> None:
    found = codes(body)
    assert found and all(code in ("KMC101", "KMC102") for code in found), found


@pytest.mark.parametrize("body", CLEAN.values(), ids=CLEAN.keys())
def test_nothing_is_reported(body: str) -> None:
    assert codes(body) == []


def test_a_finding_that_depends_on_a_default_says_so() -> None:
    [finding] = analyze(HEAD + textwrap.dedent(FOUND["a parameter's default makes the producer"]))
    assert "with build()'s default mask_zero=True" in finding.message


def test_a_sliced_list_is_named_for_the_rewrites() -> None:
    [finding] = analyze(HEAD + textwrap.dedent(FOUND["a slice"]))
    assert finding.producer_indexed_at == "line 6"
