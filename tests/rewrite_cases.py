"""Shared by the per-strategy table tests: run fix on a snippet, helpers imported from `h`."""

from __future__ import annotations

import textwrap

from codemod.rewrite.pipeline import fix_text


def fixed(source: str, strategy: str) -> str:
    """The snippet after `fix --strategy <strategy> --helpers-module h` (helpers imported, not pasted)."""
    return fix_text(textwrap.dedent(source), strategy, helpers_module="h").text


def dedent(text: str) -> str:
    return textwrap.dedent(text)
