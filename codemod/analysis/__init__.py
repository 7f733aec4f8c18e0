"""Static mask-flow analysis: source text in, findings out. Nothing here imports libcst or user code."""

from __future__ import annotations

import ast
import os
import re
import sys
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from codemod.analysis.findings import Finding, Span

if TYPE_CHECKING:
    from codemod.analysis.project import ProjectImports
    from codemod.target import KerasTarget

# Every mask producer is spelled with one of these words (Masking, Embedding(mask_zero=...),
# TokenAndPositionEmbedding(mask_zero=...), a layer's own compute_mask, a mask attached by hand),
# or is Lambda(mask=...); the last word finds our own helpers' header, for KMC401, in a module
# holding nothing else. A file without them cannot hold one, so it is never parsed: most files of
# a repository stop at these substring searches (about three times faster than one regular
# expression with the same alternatives).
_PRODUCER_WORDS = ("Masking", "mask_zero", "def compute_mask", "_keras_mask", "keras-mask-codemod")
_PRODUCER_BYTES = tuple(word.encode() for word in _PRODUCER_WORDS)
# A file with a word is parsed only if a word is used the way the analysis would use it. Not
# used: a word on a comment line or in a plain import (`from keras.layers import Masking` binds
# the name, which must then be used), inside a longer name (`mask_zeros`), a `_keras_mask` that
# is only read, a Lambda called without `mask=`. A Lambda named but not called there (an alias,
# `partial(Lambda, ...)`) counts with `mask=` anywhere in the file. Each word is found with a
# substring search and its use matched where it stands: one pattern run over the whole text
# costs ten times as much.
_WORD_USES = {
    "Masking": re.compile(r"(?<!\w)Masking\b"),
    "mask_zero": re.compile(r"(?<!\w)mask_zero\b"),
    "def compute_mask": re.compile(r"def compute_mask\b"),
    "_keras_mask": re.compile(r"(?<=set)_keras_mask\b|_keras_mask[\s\\]*=(?!=)"),
    "Lambda": re.compile(r"(?<!\w)Lambda\b"),
}
# Words of a layer that makes a mask. A file whose only words are a layer's own mask methods
# (`def compute_mask`, `_keras_mask`) holds a producer only if one of its classes makes a mask of
# its own (Interpreter.makes_own_mask): a framework's files define many such methods, most of
# them passing the mask on, and this is decided from the tree without running the file.
_LAYER_WORDS = ("Masking", "mask_zero", "Lambda")
_PLAIN_IMPORT = re.compile(r"[ \t]*(?:from[ \t]+[\w.]+[ \t]+import\b|import\b)[^;]*$")
_ALIAS = re.compile(r"[ \t]+as[ \t]+(\w+)")
_MASK_KEYWORD = re.compile(r"\bmask\s*=(?!=)")
_CALL_OPENING = re.compile(r"[ \t]*\(")
# What a Lambda call's arguments hold, read up to its closing parenthesis: strings and comments
# are skipped. A quote that opens no string we can read, a backslash outside a string (as in a
# notebook's JSON) or `**` makes the call unreadable.
_CALL_PART = re.compile(
    r"""[()]|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|["'\\]|#[^\n]*|\bmask\s*=(?!=)|\*\*"""
)
MAX_CALL_CHARS = 10_000
_TEXT_TEST_OFF = os.environ.get("KERAS_MASK_CODEMOD_NO_TEXT_TEST") == "1"


class AnalysisError(Exception):
    """The source cannot be analysed; the message is one line for the user."""


# A file that parses but nests deeper than the recursion limit lets the analysis (or libcst)
# follow: one message for every layer that meets it.
NESTING_TOO_DEEP = "nesting too deep (Python's recursion limit was reached)"


def may_contain_producer(source: bytes | str) -> bool:
    """The cheap text test: False means the file certainly has no mask producer.

    KERAS_MASK_CODEMOD_NO_TEXT_TEST=1 turns it off, for benchmarks that measure what it saves.
    """
    if _TEXT_TEST_OFF:
        return True
    # Every word holds "ask": one search settles most files before the five.
    if isinstance(source, bytes):
        if not (b"ask" in source and any(word in source for word in _PRODUCER_BYTES)) and (
            b"Lambda" not in source
        ):
            return False
        source = source.decode("latin-1")  # the words are ASCII: same places, any encoding
    elif not ("ask" in source and any(word in source for word in _PRODUCER_WORDS)) and (
        "Lambda" not in source
    ):
        return False
    if "keras-mask-codemod" in source:  # our helpers' header, a comment line
        return True
    return _uses_any(source, _WORD_USES)


def _uses_any(text: str, words: Iterable[str]) -> bool:
    for word in words:
        use = _WORD_USES[word]
        position = text.find(word)
        while position >= 0:
            match = use.match(text, position)
            if match is not None and _used(text, match):
                return True
            position = text.find(word, position + len(word))
    return False


def _used(text: str, match: re.Match[str]) -> bool:
    """Whether a producer word found in `text` is used as code could use it."""
    start = max(text.rfind("\n", 0, match.start()), text.rfind("\r", 0, match.start())) + 1
    ends = [end for end in (text.find("\n", start), text.find("\r", start)) if end >= 0]
    line = text[start : min(ends, default=len(text))]
    if line.lstrip().startswith("#"):
        return False
    word = match.group()
    if _PLAIN_IMPORT.match(line):
        alias = _ALIAS.match(text, match.end())
        if alias is None or alias.group(1) == word:
            return False
    return word != "Lambda" or _lambda_with_mask(text, match.end())


def _lambda_with_mask(text: str, after: int) -> bool:
    """Whether the Lambda named just before `after` is called with `mask=` (or, named without a
    call or called in a way we cannot read, whether `mask=` is anywhere in the file)."""
    opening = _CALL_OPENING.match(text, after)
    if opening is None:
        return _MASK_KEYWORD.search(text) is not None
    depth = 0
    start = opening.end() - 1
    for part in _CALL_PART.finditer(text, start, start + MAX_CALL_CHARS):
        token = part.group()
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
            if depth == 0:
                return False
        elif token in ('"', "'", "\\", "**"):
            break
        elif token[0] not in "\"'#":
            return True  # mask=
    return _MASK_KEYWORD.search(text) is not None


Locate = Callable[[int], tuple[int, int]]  # a notebook's virtual line -> (cell, line in cell)


def analyze(
    text: str,
    target: KerasTarget | None = None,
    locate: Locate | None = None,
    tree: ast.Module | None = None,
    imports: ProjectImports | None = None,
) -> list[Finding]:
    """Find every mask that reaches a layer which destroys it, in one Python source.

    `target` is the Keras the code runs on (default: the newest release): it picks the catalogue,
    and with Keras 2 every finding is one where the Keras 3 helpers cannot go.
    For a notebook's virtual source, `locate` maps its lines to cells: messages then say
    "cell 2, line 3" and findings carry the cell and in-cell lines (their `targets` stay virtual).
    `tree` is `text` already parsed (fix parses once for the analysis and the rewrite); the
    analysis only reads it. With `imports` (the file's path and the project's roots) it follows
    the project's own modules the file imports (project.py), reading them, never running them.
    """
    # Imported here: a run over files without a mask producer never needs the interpreter.
    from codemod.analysis.flow import Graph
    from codemod.analysis.interpreter import Interpreter
    from codemod.target import DEFAULT_TARGET

    target = target or DEFAULT_TARGET
    tree = tree if tree is not None else parse(text, locate)
    lines = source_lines(text)
    foreign: dict[int, str] = {}

    other_lines: dict[str, list[str]] = {}  # another module's lines, by file

    def place(node: ast.AST) -> tuple[int, int, int, int]:
        file = foreign.get(id(node))
        if file is None:
            return _place(node, lines)
        if file not in other_lines:
            module = imports.read(file) if imports is not None else None  # parsed already
            other_lines[file] = module.lines if module is not None else []
        return _place(node, other_lines[file])

    graph = Graph(place, where=_where(locate), foreign=foreign)
    try:
        if _may_produce(text, tree, imports):
            Interpreter(tree, graph, target.catalogue, lines, imports, foreign).run()
        findings = [_on_target(f, target) for f in graph.findings()]
        if "keras-mask-codemod" in text:  # the header of helpers we pasted
            findings += outdated_helpers(tree, lines)
    except RecursionError:
        raise AnalysisError(NESTING_TOO_DEEP) from None
    return [_in_cells(f, locate) for f in findings] if locate else findings


def _may_produce(text: str, tree: ast.Module, imports: ProjectImports | None) -> bool:
    """Whether a mask producer may be made in `text` (parsed as `tree`), or come from a module it
    imports: the interpreter is run only then."""
    from codemod.analysis.interpreter import Interpreter

    return (
        _TEXT_TEST_OFF
        or _uses_any(text, _LAYER_WORDS)
        or (imports is not None and imports.imports_producer(text))
        or any(
            isinstance(node, ast.ClassDef) and Interpreter.makes_own_mask(node)
            for node in walk_statements(tree)
        )
    )


_BLOCK_PARTS = (ast.stmt, ast.excepthandler, ast.match_case)


def walk_statements(tree: ast.AST) -> Iterator[ast.AST]:
    """The statements under `tree` (with the except handlers and match cases holding some), in
    the order `ast.walk` yields them. An expression holds no statement (a lambda's body is one
    expression), so this finds every class and def while skipping the expressions, which are
    most of a tree's nodes."""
    pending = deque([tree])
    while pending:
        node = pending.popleft()
        yield node
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list) and value and isinstance(value[0], _BLOCK_PARTS):
                pending.extend(value)


def outdated_helpers(tree: ast.Module, lines: list[str]) -> list[Finding]:
    """KMC401: one finding per block of helpers an older keras-mask-codemod pasted, at its header.
    An edited block is reported too, saying fix leaves it alone."""
    from codemod.analysis.findings import Code, Place, Producer
    from codemod.analysis.names import HELPERS_VERSION, helper_blocks

    blocks: dict[int, list] = {}
    for block in helper_blocks(tree, lines):
        if block.template.version < HELPERS_VERSION:
            blocks.setdefault(block.header, []).append(block)
    findings = []
    for header, definitions in blocks.items():
        version = definitions[0].template.version
        edited = sorted(d.node.name for d in definitions if not d.ours)
        what = f"helpers v{version}"
        detail = (
            f"pasted by an older keras-mask-codemod are out of date (this is v{HELPERS_VERSION});"
            " fix replaces them with this version's"
            if not edited
            else f"pasted by an older keras-mask-codemod were edited by hand ({', '.join(edited)}),"
            " so fix leaves them as they are; replace them by hand"
        )
        end = max(d.node.end_lineno or header for d in definitions)
        column_end = len(lines[end - 1]) + 1 if end <= len(lines) else 1
        place = Producer("keras-mask-codemod helpers", header, 1, kind="helpers")
        findings.append(
            Finding(
                Code.OUTDATED_HELPERS,
                header,
                1,
                end,
                column_end,
                producer=place,
                destroyer=Place(what, header, 1),
                detail=detail,
                edited=tuple(edited),
            )
        )
    return findings


def _on_target(finding: Finding, target: KerasTarget) -> Finding:
    """On a Keras 2 target the finding is Keras 2 code, whatever it imports; it says which target."""
    if not target.keras_2:
        return finding
    return replace(finding, keras_2=True, keras_2_target=target.describe())


def _where(locate: Locate | None) -> Callable[[int], str]:
    if locate is None:
        return lambda line: f"line {line}"

    def where(line: int) -> str:
        cell, in_cell = locate(line)
        return f"cell {cell}, line {in_cell}"

    return where


def _in_cells(finding: Finding, locate: Locate) -> Finding:
    """The finding with cell numbers and in-cell lines (spans for rewriting stay virtual)."""

    def place(p):
        if p is None or p.path is not None:  # none, or in another module: its own lines
            return p
        cell, line = locate(p.line)
        return replace(p, cell=cell, line=line)

    cell, line = locate(finding.line)
    end_cell, end_line = locate(finding.end_line)
    return replace(
        finding,
        cell=cell,
        line=line,
        end_line=end_line if end_cell == cell else line,
        producer=place(finding.producer),
        destroyer=place(finding.destroyer),
        chain=tuple(place(p) for p in finding.chain),
        mask_user=place(finding.mask_user),
        downstream_destroyers=tuple(place(p) for p in finding.downstream_destroyers),
    )


def parse_quietly(text: str) -> ast.Module | None:
    """The ast, or None when the text does not parse."""
    try:
        return parse(text)
    except AnalysisError:
        return None


def parse(text: str, locate: Locate | None = None) -> ast.Module:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences and the like
            return ast.parse(text)
    except SyntaxError as error:
        if error.lineno and locate is not None:
            cell, line = locate(error.lineno)
            where = f"cell {cell}, line {line}, column {error.offset}"
        elif error.lineno:
            where = f"line {error.lineno}, column {error.offset}"
        else:
            where = "unknown place"
        raise AnalysisError(f"cannot parse: {error.msg} ({where})") from None
    except (ValueError, MemoryError, RecursionError) as error:
        raise AnalysisError(f"cannot parse: {_parse_failure(error)}") from None


def _parse_failure(error: Exception) -> str:
    """Why ast.parse gave up, also when the error says nothing: before Python 3.12 a parser
    stack overflow (some 10,000 nested `-`) is a bare MemoryError()."""
    if isinstance(error, RecursionError):
        return "nesting too deep"
    if isinstance(error, MemoryError) and not str(error):
        return "nesting too deep or file too large (Python's parser ran out of memory)"
    return str(error) or type(error).__name__


def _place(node: ast.AST, lines: list[str]) -> tuple[int, int, int, int]:
    """1-based (line, column, end_line, end_column) in characters; ast counts UTF-8 bytes."""
    line = getattr(node, "lineno", 1)
    end_line = getattr(node, "end_lineno", None) or line
    column = _char_column(lines, line, getattr(node, "col_offset", 0))
    end_column = _char_column(lines, end_line, getattr(node, "end_col_offset", None) or 0)
    return line, column + 1, end_line, end_column + 1


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def source_lines(text: str) -> list[str]:
    """The lines as Python counts them for `lineno`: "\n", "\r\n" and a lone "\r" end a line.

    `text.split("\n")` would see a file with lone "\r" endings as one line.
    """
    return _LINE_BREAK.split(text) if "\r" in text else text.split("\n")


_PHYSICAL_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def split_lines(text: str) -> list[str]:
    """The lines as `source_lines` counts them, each keeping its ending ("\n", "\r\n", a lone
    "\r"); unlike `str.splitlines`, form feeds, U+2028 and friends do not end a line."""
    return _PHYSICAL_LINE.findall(text)


def span_of(node: ast.AST, lines: list[str]) -> Span:
    """The node's span as libcst counts it: 1-based lines, 0-based character columns."""
    line, column, end_line, end_column = _place(node, lines)
    return Span(line, column - 1, end_line, end_column - 1)


def _char_column(lines: list[str], line: int, byte_offset: int) -> int:
    if not 0 < line <= len(lines):
        return byte_offset
    text = lines[line - 1]
    if text.isascii():
        return byte_offset
    return len(text.encode("utf-8", "surrogatepass")[:byte_offset].decode("utf-8", "replace"))


sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
