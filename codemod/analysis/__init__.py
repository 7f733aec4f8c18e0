"""Static mask-flow analysis: source text in, findings out. Nothing here imports libcst or user code."""

from __future__ import annotations

import ast
import os
import re
import sys
import warnings
from dataclasses import replace
from typing import TYPE_CHECKING

from codemod.analysis.findings import Finding

if TYPE_CHECKING:
    from codemod.catalogue import Catalogue

# Every mask producer is spelled with one of these words (Masking, Embedding(mask_zero=...),
# Lambda(mask=...), TokenAndPositionEmbedding(mask_zero=...)). A file without them cannot hold one,
# so it is never parsed: most files of a repository stop here.
_PRODUCER_WORDS = re.compile(rb"Masking|mask_zero|Lambda")
_TEXT_TEST_OFF = os.environ.get("KERAS_MASK_CODEMOD_NO_TEXT_TEST") == "1"


class AnalysisError(Exception):
    """The source cannot be analysed; the message is one line for the user."""


def may_contain_producer(source: bytes | str) -> bool:
    """The cheap text test: False means the file certainly has no mask producer.

    KERAS_MASK_CODEMOD_NO_TEXT_TEST=1 turns it off, for benchmarks that measure what it saves.
    """
    if _TEXT_TEST_OFF:
        return True
    data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
    return _PRODUCER_WORDS.search(data) is not None


def analyze(text: str, catalogue: Catalogue | None = None) -> list[Finding]:
    """Find every mask that reaches a layer which destroys it, in one Python source."""
    # Imported here: a run over files without a mask producer never needs the interpreter.
    from codemod.analysis.flow import Graph
    from codemod.analysis.interpreter import Interpreter
    from codemod.catalogue import CATALOGUE

    tree = parse(text)
    lines = text.split("\n")
    graph = Graph(lambda node: _place(node, lines))
    Interpreter(tree, graph, catalogue or CATALOGUE).run()
    return [_with_strategy(f) for f in graph.findings()]


def parse(text: str) -> ast.Module:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences and the like
            return ast.parse(text)
    except SyntaxError as error:
        where = f"line {error.lineno}, column {error.offset}" if error.lineno else "unknown place"
        raise AnalysisError(f"cannot parse: {error.msg} ({where})") from None
    except (ValueError, MemoryError, RecursionError) as error:
        reason = "nesting too deep" if isinstance(error, RecursionError) else str(error)
        raise AnalysisError(f"cannot parse: {reason}") from None


def _place(node: ast.AST, lines: list[str]) -> tuple[int, int, int, int]:
    """1-based (line, column, end_line, end_column) in characters; ast counts UTF-8 bytes."""
    line = getattr(node, "lineno", 1)
    end_line = getattr(node, "end_lineno", None) or line
    column = _char_column(lines, line, getattr(node, "col_offset", 0))
    end_column = _char_column(lines, end_line, getattr(node, "end_col_offset", None) or 0)
    return line, column + 1, end_line, end_column + 1


def _char_column(lines: list[str], line: int, byte_offset: int) -> int:
    if not 0 < line <= len(lines):
        return byte_offset
    text = lines[line - 1]
    if text.isascii():
        return byte_offset
    return len(text.encode("utf-8", "surrogatepass")[:byte_offset].decode("utf-8", "replace"))


def _with_strategy(finding: Finding) -> Finding:
    from codemod.rewrite.choose import auto_strategy

    return replace(finding, strategy=auto_strategy(finding))


sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
