"""Memory over a whole tree: each file's analysis is freed as soon as it ends."""

from __future__ import annotations

import gc

import pytest

from codemod.analysis import analyze
from codemod.gc_pause import gc_paused
from tests.golden import cases


@pytest.fixture
def no_automatic_collection():
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    yield
    if was_enabled:
        gc.enable()


@pytest.mark.usefixtures("no_automatic_collection")
@pytest.mark.parametrize("case", cases(), ids=lambda case: case.name)
def test_analysis_leaves_no_cycles_behind(case) -> None:
    """Without cycles, reference counting frees a file's syntax tree and values when analysis
    returns; the collector has nothing to find (with it, a big file's tree stays alive)."""
    analyze((case / "input.py").read_text(encoding="utf-8"))
    assert gc.collect() == 0


def test_gc_paused_restores_the_collector_even_after_an_error() -> None:
    assert gc.isenabled()
    with pytest.raises(ValueError), gc_paused():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()


def test_gc_paused_leaves_a_disabled_collector_disabled(no_automatic_collection) -> None:
    with gc_paused():
        pass
    assert not gc.isenabled()
