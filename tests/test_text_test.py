"""The cheap text test decides which files are parsed at all: it may let a file through that has no
producer, never skip one that has. Tables of sources it must skip and must keep, and a sweep over
every source whose analysis finds something."""

from __future__ import annotations

import json

import pytest

from codemod.analysis import analyze, may_contain_producer
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


def sources_with_findings() -> dict[str, str]:
    """Every golden input and every rule's INVALID example, and what their analysis finds."""
    found = {}
    for case in cases():
        text = (case / "input.py").read_text(encoding="utf-8", errors="replace")
        if analyze(text, imports=case_imports(case)):
            found[case.name] = text
    for rule in RULES:
        for number, text in enumerate(rule.invalid):
            found[f"{rule.code.value}-invalid-{number}"] = text
    return found


def test_every_source_with_a_finding_passes_the_text_test() -> None:
    found = sources_with_findings()
    assert len(found) > 60
    missed = [
        name
        for name, text in found.items()
        if not may_contain_producer(text)
        and not (name[0] in "pn" and case_imports_producer(name, text))
    ]
    assert missed == []


def case_imports_producer(name: str, text: str) -> bool:
    case = next(case for case in cases() if case.name == name)
    return case_imports(case).imports_producer(text)


def test_a_notebook_passes_as_its_json_bytes() -> None:
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}
    notebook = {
        "cells": [{**cell, "source": ['y = Lambda(f, name="a)", mask=m)(x)\n']}],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    assert may_contain_producer(json.dumps(notebook, indent=1).encode())
