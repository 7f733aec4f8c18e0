"""The cheap text test decides which files are parsed at all, and a look at the tree whether the
interpreter runs: both may let a file through that has no producer, never skip one that has.
Tables of sources the text test must skip and must keep, and sweeps over the golden inputs and
rule examples: each with a finding passes, and the findings do not change when neither skips."""

from __future__ import annotations

import json

import pytest

from codemod.analysis import analyze, may_contain_producer
from codemod.analysis.project import ProjectImports
from codemod.analysis.rules import RULES
from tests.golden import case_imports, cases

SKIPPED = {
    "no word": "x = 1\n",
    "comment line": "# Masking is not supported by the cuDNN path\nx = 1\n",
    "indented comment": "def f():\n    # mask_zero=True would help here\n    return 1\n",
    "longer name": "mask_zeros = all(boxes == 0)\n",
    "plain import": "from keras.layers import Masking\n",
    "import with the same alias": "from keras.src.layers import Masking as Masking\n",
    "import with a comment": "from keras.layers import Masking  # re-exported\n",
    "mask only read": "mask = getattr(x, '_keras_mask', None)\ny = x._keras_mask\n",
    "mask compared": "same = x._keras_mask == y\n",
    "Lambda without mask=": "mask = f(x)\ny = keras.layers.Lambda(lambda t: t * 2)(x)\n",
    "Lambda, mask= in a string": 'mask = 1\ny = Lambda(g, name="mask=x)")(x)\n',
    "Lambda, mask= in a nested call": "mask = 1\ny = Lambda(\n    lambda t: t,\n)(f(mask=m))\n",
    "Lambda in a comment": "# Lambda(f, mask=m)\nx = 1\n",
    "bytes, no word": b"x = 1\n",
    "bytes, comment": b"# Masking\n",
}

KEPT = {
    "Masking called": "x = layers.Masking(0.0)(x)\n",
    "Masking aliased on import": "from keras.layers import Masking as M\nx = M()(x)\n",
    "Masking subclassed": "class MyMask(Masking):\n    pass\n",
    "import then code on the line": "from keras.layers import Masking; m = Masking()\n",
    "mask_zero keyword": "e = Embedding(10, 4, mask_zero=True)\n",
    "mask_zero in a dict": "e = Embedding(10, 4, **{'mask_zero': True})\n",
    "compute_mask": "class L(Layer):\n    def compute_mask(self, x, mask=None):\n        return x\n",
    "mask attached": "def call(self, x):\n    x._keras_mask = m\n    return x\n",
    "mask attached over lines": "x._keras_mask \\\n    = m\n",
    "set_keras_mask": "backend.set_keras_mask(y, m)\n",
    "our header": "# keras-mask-codemod helpers v3\n",
    "Lambda with mask=": "y = Lambda(f, mask=m)(x)\n",
    "Lambda with mask= later": 'y = Lambda(\n    f, name="a)b",  # (\n    mask=lambda i, m: m,\n)(x)\n',
    "Lambda aliased": "from keras.layers import Lambda as L\ny = L(f, mask=m)(x)\n",
    "Lambda passed on": "make = partial(Lambda, mask=m)\n",
    "Lambda with **": "y = Lambda(f, **options)(x)\nmask = 1\n",
    "Lambda in a notebook's JSON": '"y = Lambda(f, name=\\"a)\\", mask=m)(x)\\n",\n',
    "old Mac endings": "# comment\rx = Masking()(x)\r",
    "bytes, latin-1": "# caf\xe9\nx = Masking()(x)\n".encode("latin-1"),
}


@pytest.mark.parametrize("source", SKIPPED.values(), ids=SKIPPED.keys())
def test_a_file_without_a_producer_is_skipped(source: str | bytes) -> None:
    assert not may_contain_producer(source)


@pytest.mark.parametrize("source", KEPT.values(), ids=KEPT.keys())
def test_a_file_that_may_hold_a_producer_is_kept(source: str | bytes) -> None:
    assert may_contain_producer(source)
    if isinstance(source, str):
        assert may_contain_producer(source.encode())


def all_sources() -> dict[str, tuple[str, ProjectImports | None]]:
    """Every golden input and every rule example, with how it reaches its project's modules."""
    found: dict[str, tuple[str, ProjectImports | None]] = {}
    for case in cases():
        text = (case / "input.py").read_text(encoding="utf-8", errors="replace")
        found[case.name] = (text, case_imports(case))
    for rule in RULES:
        for kind in ("valid", "invalid"):
            for number, text in enumerate(getattr(rule, kind)):
                found[f"{rule.code.value}-{kind}-{number}"] = (text, None)
    return found


def test_every_source_with_a_finding_passes_the_text_test() -> None:
    """Golden inputs and rule examples with findings: each passes the text test, or imports a
    module of its case that does."""
    found = {
        name: (text, imports)
        for name, (text, imports) in all_sources().items()
        if analyze(text, imports=imports)
    }
    assert len(found) > 60
    missed = [
        name
        for name, (text, imports) in found.items()
        if not may_contain_producer(text)
        and not (imports is not None and imports.imports_producer(text))
    ]
    assert missed == []


def test_a_notebook_passes_as_its_json_bytes() -> None:
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}
    notebook = {
        "cells": [{**cell, "source": ['y = Lambda(f, name="a)", mask=m)(x)\n']}],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    assert may_contain_producer(json.dumps(notebook, indent=1).encode())


def test_every_producer_word_holds_the_prefilter() -> None:
    """may_contain_producer looks for "ask" first, then for the words: each must hold it."""
    from codemod.analysis import _PRODUCER_WORDS

    assert all("ask" in word for word in _PRODUCER_WORDS)


def test_the_interpreter_is_skipped_only_where_it_would_find_nothing(monkeypatch) -> None:
    """A file whose only words are a layer's own mask methods is run only if a class of it makes
    a mask of its own: the findings are the same as when every file is run."""
    from codemod import analysis

    sources = all_sources()
    gated = {name: analyze(text, imports=imports) for name, (text, imports) in sources.items()}
    monkeypatch.setattr(analysis, "_TEXT_TEST_OFF", True)
    for name, (text, imports) in sources.items():
        assert analyze(text, imports=imports) == gated[name], name


PASSES_THE_MASK_ON = """\
import keras
from keras import layers


class Scale(layers.Layer):
    def call(self, inputs):
        return inputs * 2.0

    def compute_mask(self, inputs, mask=None):
        return mask


x = keras.Input((8, 4))
y = layers.Conv1D(4, 3)(Scale()(x))
"""


def test_a_file_of_mask_methods_that_make_no_mask_is_not_run(monkeypatch) -> None:
    from codemod.analysis import interpreter

    def run(self) -> None:
        raise AssertionError("the interpreter ran")

    assert may_contain_producer(PASSES_THE_MASK_ON)
    monkeypatch.setattr(interpreter.Interpreter, "run", run)
    assert analyze(PASSES_THE_MASK_ON) == []
    with pytest.raises(AssertionError, match="ran"):  # a class making its own mask is run
        analyze(PASSES_THE_MASK_ON.replace("return mask", "return inputs != 0"))
