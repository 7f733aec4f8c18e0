"""Replace helpers an older keras-mask-codemod pasted (KMC401) with this version's, in place.

Only an unedited copy is replaced: every definition in its block equals the old version's
template (frozen as `templates/*_v<N>.py`, compared by `analysis.names.helper_blocks`). An
edited copy is left as it is and its finding says so. The new block takes the old one's lines,
header to last definition, in the file's newline style and indentation; every other byte stays.
"""

from __future__ import annotations

import ast

from codemod.analysis import split_lines
from codemod.analysis.names import HELPERS_VERSION, BlockDefinition, helper_blocks
from codemod.rewrite.helper_source import helper_source, keras_2_helper_source
from codemod.rewrite.imports import in_style
from codemod.rewrite.style import with_quotes


def upgrade_helpers(text: str, tree: ast.Module, lines: list[str], quote: str = '"') -> str:
    """`text` with every unedited block of old helpers replaced by this version's, its string
    quotes in `quote`."""
    blocks: dict[int, list[BlockDefinition]] = {}
    for definition in helper_blocks(tree, lines):
        if definition.template.version < HELPERS_VERSION:
            blocks.setdefault(definition.header, []).append(definition)
    physical = split_lines(text)
    for header in sorted(blocks, reverse=True):  # the last first: earlier line numbers hold
        definitions = blocks[header]
        if not all(d.ours for d in definitions):
            continue
        end = max(d.node.end_lineno or header for d in definitions)
        old = physical[header - 1 : end]
        physical[header - 1 : end] = [with_quotes(_new_block(definitions, old), quote)]
    return "".join(physical)


def _new_block(definitions: list[BlockDefinition], old: list[str]) -> str:
    """This version's block for the public helpers of an old one, written like the old one."""
    public = [d.node.name for d in definitions if not d.node.name.startswith("_")]
    template = definitions[0].template
    if template.keras_2:
        block = keras_2_helper_source(public, definitions[0].keras_name)
    else:
        block = helper_source(public)
    newline = next((line[len(line.rstrip("\r\n")) :] for line in old if line.strip()), "\n")
    indent = next(
        (line[: len(line) - len(line.lstrip(" \t"))] for line in old if line[:1] in " \t"),
        "    ",
    )
    styled = in_style(block, newline or "\n", indent)
    ended = old[-1].endswith(("\n", "\r"))
    return styled if ended else styled.rstrip("\r\n")
