"""Which dotted import paths name Keras things, whatever spelling the user's imports chose, and
which definitions in a file are keras-mask-codemod's own pasted helpers.

The interpreter evaluates `import tensorflow as tf` ... `tf.keras.layers.Conv1D` to the dotted path
"tensorflow.keras.layers.Conv1D"; this module says what such a path is. Only paths that really come from
an import reach here, so a user's own `class Conv1D` is never mistaken for Keras.

A class the file defines is one of our helpers only when it is one (`our_definitions`): the very
definition of the helper template, in a block under the header comment `fix` writes. A user's own
`class MaskedConv1D` is the user's class, analysed like any other.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from codemod.catalogue import (
    HELPER_FUNCTIONS,
    HELPER_MASK,
    KERAS_HUB_EMBEDDINGS,
)

# Every module path under which Keras has been importable, longest first so that
# "tensorflow.keras" wins over "tensorflow".
KERAS_ROOTS = (
    "tensorflow.compat.v1.keras",
    "tensorflow.compat.v2.keras",
    "tensorflow.python.keras",
    "keras._tf_keras.keras",
    "tensorflow.keras",
    "tf_keras.src",
    "keras.src",
    "keras.api",
    "tf_keras",
    "keras",
)
KERAS_HUB_ROOTS = ("keras_hub", "keras_nlp")
# Roots that only ever held Keras 2: code written against them cannot use Keras 3 helper layers.
KERAS_2_ROOTS = ("tf_keras", "tensorflow.python.keras")
# Keras 2 module layout (keras.layers.core.Dense...), gone in Keras 3.
_KERAS_2_LAYER_MODULES = ("convolutional", "core", "embeddings", "recurrent", "pooling", "wrappers")


def is_keras_2_path(path: str) -> bool:
    """Whether an import path exists only in Keras 2 (tf_keras, tensorflow.python.keras, ...)."""
    if any(path == root or path.startswith(root + ".") for root in KERAS_2_ROOTS):
        return True
    parts = path.split(".")
    return (
        parts[:2] == ["keras", "layers"] and len(parts) > 3 and parts[2] in _KERAS_2_LAYER_MODULES
    )


# The public module each Keras root's API is imported from, where the root is not one itself.
_PUBLIC_KERAS = {
    "tf_keras.src": "tf_keras",
    "keras.src": "keras",
    "keras.api": "keras",
    "keras._tf_keras.keras": "tensorflow.keras",
}


def keras_module(path: str) -> str:
    """The Keras module an import path belongs to, as code would import it to reach the same
    Keras: "tf_keras" for tf_keras.src.layers.Masking, "tensorflow.keras" for
    tensorflow.keras.layers.Masking, "keras" for keras.layers.core.Masking; "" outside Keras."""
    for root in KERAS_ROOTS:
        if path == root or path.startswith(root + "."):
            return _PUBLIC_KERAS.get(root, root)
    return ""


# Modules whose functions take tensors and return tensors without a Keras mask (raw ops).
RAW_OP_ROOTS = ("tensorflow", "jax", "numpy", "torch", "math")


# A helper's name imported from outside Keras (`from project.mask_layers import MaskedConv1D`) is
# taken for ours: the analysis cannot see into that module, nor tell the --helpers-module apart
# (`check` has no such option). A class the file defines is ours only when `our_definitions`
# says so; the rewrite, which knows the --helpers-module, reuses no name imported from elsewhere.
_HELPER_NAMES = HELPER_MASK.keys() | HELPER_FUNCTIONS


class Kind(str, Enum):
    LAYER = "layer"  # a keras.layers class in the catalogue, or a keras-hub embedding
    BASE_LAYER = "base-layer"  # keras.layers.Layer, to subclass
    SEQUENTIAL = "sequential"
    MODEL = "model"  # keras.Model / functional Model, also the base of subclassed models
    INPUT = "input"
    HELPER = "helper"  # a mask-aware class or function emitted by this tool
    KERAS_OTHER = "keras-other"  # anything else in Keras (ops, activations, backend...)
    RAW_OP = "raw-op"
    OTHER = "other"


@dataclass(frozen=True)
class Resolved:
    kind: Kind
    name: str  # the last path component: "Conv1D", "Sequential", ...


def _strip_root(path: str, roots: tuple[str, ...]) -> str | None:
    for root in roots:
        if path == root:
            return ""
        if path.startswith(root + "."):
            return path[len(root) + 1 :]
    return None


def classify(path: str, layer_names: frozenset[str]) -> Resolved:
    """Say what the object at `path` is; `layer_names` are the catalogue's class names and aliases."""
    name = path.rsplit(".", 1)[-1]
    if name in _HELPER_NAMES and _strip_root(path, KERAS_ROOTS) is None:
        return Resolved(Kind.HELPER, name)
    hub = _strip_root(path, KERAS_HUB_ROOTS)
    if hub is not None:
        if name in KERAS_HUB_EMBEDDINGS:
            return Resolved(Kind.LAYER, name)
        return Resolved(Kind.KERAS_OTHER, name)
    rest = _strip_root(path, KERAS_ROOTS)
    if rest is None:
        root = path.split(".", 1)[0]
        return Resolved(Kind.RAW_OP if root in RAW_OP_ROOTS else Kind.OTHER, name)
    parts = rest.split(".") if rest else []
    if len(parts) >= 2 and "layers" in parts[:-1]:
        if name in layer_names:
            return Resolved(Kind.LAYER, name)
        if name in ("Input", "InputLayer"):
            return Resolved(Kind.INPUT, name)
        if name == "Layer":
            return Resolved(Kind.BASE_LAYER, name)
    if parts and name == "Sequential" and parts[0] in ("Sequential", "models", "engine", "src"):
        return Resolved(Kind.SEQUENTIAL, name)
    if (
        parts
        and name in ("Model", "Functional")
        and parts[0] in ("Model", "models", "engine", "src")
    ):
        return Resolved(Kind.MODEL, name)
    if parts == ["Input"]:
        return Resolved(Kind.INPUT, name)
    if parts == ["Layer"]:
        return Resolved(Kind.BASE_LAYER, name)
    return Resolved(Kind.KERAS_OTHER, name)


def star_import_path(module: str, name: str, layer_names: frozenset[str]) -> str | None:
    """The path `name` means after `from module import *`, when that module is a Keras one that has it."""
    path = f"{module}.{name}"
    if classify(path, layer_names).kind in (
        Kind.LAYER,
        Kind.SEQUENTIAL,
        Kind.MODEL,
        Kind.INPUT,
        Kind.BASE_LAYER,
    ):
        return path
    if _strip_root(module, KERAS_ROOTS) == "" and name in ("layers", "models", "ops"):
        return path
    return None


# Our own helpers, pasted into users' files --------------------------------------------------------
#
# `fix` pastes helper definitions cut from a template below a header comment (the rewrite's
# helper_source). The templates (rewrite/templates/*.py) are data: the rewrite reads them to paste
# helpers, the analysis to recognise a pasted copy; neither imports them.

HELPERS_VERSION = 2
"""The helpers' version, written in every header. When a template changes what it pastes, bump it
and freeze the old templates as `*_v<N>.py` with their header in `_TEMPLATES`: old copies are then
reported (KMC401) and upgraded, and an edited copy is told apart from an unedited one."""

HELPER_HEADER = (
    f"# Mask-aware helpers by keras-mask-codemod, v{HELPERS_VERSION}: "
    "keep them with this model code."
)
"""First line of every block of Keras 3 helpers `fix` pastes (saved .keras models need them)."""

KERAS_2_HELPER_HEADER = (
    f"# Keras 2 helpers by keras-mask-codemod, v{HELPERS_VERSION}: keep them with this model code."
)
"""First line of every block pasted for Keras 2 code."""

KERAS_3_TEMPLATE = "keras_helpers.py"
KERAS_2_TEMPLATE = "keras2_helpers.py"


@dataclass(frozen=True)
class Template:
    """A helper template: its file, and whether its definitions name Keras through any module
    reference the file uses (Keras 2: `tf_keras`, `tf.keras`...) or only through `keras`."""

    file: str
    any_keras_name: bool = False
    version: int = HELPERS_VERSION

    @property
    def keras_2(self) -> bool:
        return self.any_keras_name


_TEMPLATES = {
    HELPER_HEADER: Template(KERAS_3_TEMPLATE),
    KERAS_2_HELPER_HEADER: Template(KERAS_2_TEMPLATE, any_keras_name=True),
    # Version 1 wrote no version in its headers.
    "# Mask-aware helpers added by keras-mask-codemod: keep them with this model code.": Template(
        "keras_helpers_v1.py", version=1
    ),
    "# Keras 2 helpers added by keras-mask-codemod: keep them with this model code.": Template(
        "keras2_helpers_v1.py", any_keras_name=True, version=1
    ),
}


def template_of_header(line: str) -> Template | None:
    """The template a block under this comment line was cut from; None when the line is no
    header of ours. The one place that reads headers: a versioned header is parsed here."""
    return _TEMPLATES.get(line.strip())


@functools.cache
def template_text(file: str) -> str:
    """The text of a helper template, `KERAS_3_TEMPLATE` or `KERAS_2_TEMPLATE`."""
    from importlib import resources  # only for helpers' text: the analysis of most files needs none

    folder = resources.files("codemod").joinpath("rewrite").joinpath("templates")
    return folder.joinpath(file).read_text("utf-8")


@functools.cache
def _template_definitions(file: str) -> dict[str, ast.FunctionDef | ast.ClassDef]:
    return {
        node.name: node
        for node in ast.parse(template_text(file)).body
        if isinstance(node, (ast.FunctionDef, ast.ClassDef))
    }


def header_of(file: str) -> str:
    """The header comment of blocks cut from the template `file`."""
    return next(header for header, template in _TEMPLATES.items() if template.file == file)


def template_closure(file: str, names: Iterable[str]) -> list[str]:
    """The named definitions of the template `file` and every definition they use, directly or
    not, in template order: what a block pasted for `names` defines. KeyError for a name the
    template does not define."""
    definitions = _template_definitions(file)
    chosen: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name in chosen:
            continue
        if name not in definitions:
            raise KeyError(f"keras-mask-codemod has no helper named {name!r}")
        chosen.add(name)
        node = definitions[name]
        pending.extend(
            {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} & definitions.keys()
        )
    return [name for name in definitions if name in chosen]


def template_block(file: str, wanted: Sequence[str]) -> str:
    """A block as `fix` pastes it from the template `file`: the header, then the named
    definitions and every definition they use, in template order (for examples and tests)."""
    lines = template_text(file).splitlines()
    definitions = _template_definitions(file)
    sources = []
    for name in template_closure(file, wanted):
        node = definitions[name]
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        sources.append("\n".join(lines[first - 1 : node.end_lineno]))
    return header_of(file) + "\n" + "\n\n\n".join(sources) + "\n"


@dataclass(frozen=True, eq=False)
class BlockDefinition:
    """A top-level def or class standing in a block of pasted helpers."""

    node: ast.FunctionDef | ast.ClassDef
    template: Template  # the template the block's header names
    ours: bool  # the very definition of that template: our helper, to use and to reuse
    header: int = 0  # the 1-based line of the block's header comment
    keras_name: str = "keras"  # how its definitions name Keras ("tf_keras"... in Keras 2 code)

    @property
    def current(self) -> bool:
        """Ours, from this version's template: what a rewrite may use."""
        return self.ours and self.template.version == HELPERS_VERSION


def helper_blocks(tree: ast.Module, lines: Sequence[str]) -> list[BlockDefinition]:
    """Every top-level definition in a block of pasted helpers: after one of our header comments,
    up to the first top-level statement that is not a def or class of a name the header's
    template defines. `lines` are the source's lines, as Python counts them."""
    if not any(header in line for line in lines for header in _TEMPLATES):
        return []
    found = []
    template: Template | None = None
    header = 0
    previous_end = 0
    for statement in tree.body:
        start = min([statement.lineno, *(d.lineno for d in _decorators(statement))])
        for number in range(previous_end, start - 1):  # comments and blank lines before it
            if (named := template_of_header(lines[number])) is not None:
                template, header = named, number + 1
        previous_end = statement.end_lineno or start
        if template is None:
            continue
        if isinstance(
            statement, (ast.FunctionDef, ast.ClassDef)
        ) and statement.name in _template_definitions(template.file):
            keras: list[str] = []
            ours = _is_template(statement, template, keras)
            name = keras[0] if keras else "keras"
            found.append(BlockDefinition(statement, template, ours, header, name))
        else:
            template = None
    return found


def our_definitions(tree: ast.Module, lines: Sequence[str]) -> list[ast.FunctionDef | ast.ClassDef]:
    """The top-level definitions that are our helpers, of any version (see `helper_blocks`)."""
    return [block.node for block in helper_blocks(tree, lines) if block.ours]


def _decorators(statement: ast.stmt) -> list[ast.expr]:
    return getattr(statement, "decorator_list", [])


def _is_template(
    node: ast.FunctionDef | ast.ClassDef, template: Template, keras: list[str] | None = None
) -> bool:
    """Whether `node` is the template's definition of its name, whatever the formatting: the
    same syntax tree (comments, line breaks and the indentation inside strings aside, as the
    rewrite writes them in the file's own style), with every `keras` of the template spelled as
    one same dotted name (for Keras 2: the module reference the rewrite wrote in)."""
    expected = _template_definitions(template.file).get(node.name)
    if expected is None:
        return False
    keras = [] if keras is None else keras
    if not _same(expected, node, keras):
        return False
    return template.any_keras_name or keras in ([], ["keras"])


def _same(expected: ast.AST, node: ast.AST, keras: list[str]) -> bool:
    if isinstance(expected, ast.Name) and expected.id == "keras":
        dotted = _dotted_name(node)
        if not keras and dotted is not None:
            keras.append(dotted)
        return dotted is not None and dotted == keras[0]
    if type(expected) is not type(node):
        return False
    for field in expected._fields:
        want, have = getattr(expected, field, None), getattr(node, field, None)
        if isinstance(want, list):
            if not isinstance(have, list) or len(want) != len(have):
                return False
            if not all(_same_value(w, h, keras) for w, h in zip(want, have)):
                return False
        elif not _same_value(want, have, keras):
            return False
    return True


def _same_value(want: object, have: object, keras: list[str]) -> bool:
    if isinstance(want, ast.AST):
        return isinstance(have, ast.AST) and _same(want, have, keras)
    if isinstance(want, str) and isinstance(have, str):
        return _unindented(want) == _unindented(have)
    return type(want) is type(have) and want == have


def _unindented(text: str) -> str:
    """A string's text without the indentation after its line breaks (a docstring re-indented
    with the file's tabs is the same docstring)."""
    if "\n" not in text:
        return text
    return "\n".join(line.lstrip(" \t\f") for line in text.split("\n"))


def _dotted_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        owner = _dotted_name(node.value)
        return None if owner is None else f"{owner}.{node.attr}"
    return None
