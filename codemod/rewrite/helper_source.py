"""Cut the mask-aware helper definitions out of the template, ready to paste into a user's file.

The template `templates/keras_helpers.py` is a real module (tested with Keras), but the codemod
never imports it: it reads its text, so no Keras is needed to rewrite code. A rewrite asks for
the helpers it uses by name and gets them back with every helper they call, in template order.
Code written for Keras 2 gets its helpers from `templates/keras2_helpers.py` the same way, with
every `keras` name replaced by the way the file refers to its Keras 2 module.
"""

from __future__ import annotations

import ast
import builtins
import functools
from collections.abc import Iterable
from dataclasses import dataclass

from codemod.analysis.names import (
    HELPER_HEADER,
    KERAS_2_HELPER_HEADER,
    KERAS_2_TEMPLATE,
    KERAS_3_TEMPLATE,
    template_closure,
    template_text,
)

__all__ = [
    "HELPER_HEADER",
    "HELPER_IMPORTS",
    "HELPER_NAMES",
    "KERAS_2_HELPER_HEADER",
    "KERAS_2_HELPER_NAMES",
    "builtins_used",
    "helper_closure",
    "helper_source",
    "keras_2_helper_source",
]

HELPER_IMPORTS: tuple[str, ...] = ("keras",)
"""Modules the emitted helpers need imported (`import keras`); the rewriter adds the imports."""

# The headers (first line of every pasted block) are defined beside the code that recognises a
# pasted block, in codemod.analysis.names, and re-exported here.

_TEMPLATE_FILE = KERAS_3_TEMPLATE
_KERAS_2_TEMPLATE_FILE = KERAS_2_TEMPLATE
_BUILTINS = frozenset(dir(builtins))


@dataclass(frozen=True)
class _Definition:
    """One top-level function or class of the template."""

    name: str
    source: str
    uses: frozenset[str]
    keras_base: str | None
    # Where the name `keras` is read, as (line, column) in `source`, last first.
    keras_names: tuple[tuple[int, int], ...] = ()


def _keras_layer_base(node: ast.ClassDef) -> str | None:
    """Name of the `keras.layers.X` class a helper class subclasses, if any."""
    for base in node.bases:
        if (
            isinstance(base, ast.Attribute)
            and isinstance(base.value, ast.Attribute)
            and isinstance(base.value.value, ast.Name)
            and base.value.value.id == "keras"
            and base.value.attr == "layers"
        ):
            return base.attr
    return None


@functools.cache
def _template(file: str = _TEMPLATE_FILE) -> tuple[_Definition, ...]:
    """Parse a template once; every top-level def/class is a helper definition."""
    text = template_text(file)
    module = ast.parse(text)
    lines = text.splitlines()
    definitions = []
    for node in module.body:
        if not isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            continue
        first_line = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        source = "\n".join(lines[first_line - 1 : node.end_lineno])
        uses = frozenset(child.id for child in ast.walk(node) if isinstance(child, ast.Name)) - {
            node.name
        }
        keras_base = _keras_layer_base(node) if isinstance(node, ast.ClassDef) else None
        keras_names = sorted(
            (child.lineno - first_line, child.col_offset)
            for child in ast.walk(node)
            if isinstance(child, ast.Name) and child.id == "keras"
        )
        definitions.append(
            _Definition(node.name, source, uses, keras_base, tuple(reversed(keras_names)))
        )
    return tuple(definitions)


HELPER_NAMES: frozenset[str] = frozenset(definition.name for definition in _template())
"""Every top-level definition of the template, private helper functions included."""


KERAS_2_HELPER_NAMES: frozenset[str] = frozenset(
    definition.name for definition in _template(_KERAS_2_TEMPLATE_FILE)
)
"""Every top-level definition of the Keras 2 template."""


def helper_closure(names: Iterable[str], keras_2: bool = False) -> list[str]:
    """The named helpers and every helper they use, directly or not, in template order: the
    names a pasted block defines (from the Keras 2 template with `keras_2`)."""
    return template_closure(_KERAS_2_TEMPLATE_FILE if keras_2 else _TEMPLATE_FILE, names)


def builtins_used(names: Iterable[str], keras_2: bool = False) -> list[str]:
    """Python builtins (`len`, `range`...) the named helpers read, sorted: a file that binds
    one of these names at module level would change what the pasted helpers do."""
    file = _KERAS_2_TEMPLATE_FILE if keras_2 else _TEMPLATE_FILE
    wanted = set(names)
    used = set().union(*(d.uses for d in _template(file) if d.name in wanted))
    return sorted(used & _BUILTINS)


def helper_source(names: Iterable[str], present: Iterable[str] = ()) -> str:
    """Source text of the named helpers and their dependencies, ready to paste into a module.

    Definitions keep the template's order and are separated by two blank lines (PEP 8). The
    text starts with a one-line comment, attached to the first definition, saying where they
    come from, and ends with a newline; put two blank lines before it, as before any def.
    `import keras` is not included: see HELPER_IMPORTS. Helpers in `present` (the file holds
    them already) are left out; no names left give an empty string.
    """
    wanted = set(template_closure(_TEMPLATE_FILE, names)) - set(present)
    if not wanted:
        return ""
    chosen = [d.source for d in _template() if d.name in wanted]
    return HELPER_HEADER + "\n" + "\n\n\n".join(chosen) + "\n"


def keras_2_helper_source(names: Iterable[str], keras: str, present: Iterable[str] = ()) -> str:
    """`helper_source` for code written for Keras 2, from the Keras 2 template.

    `keras` is how the file refers to its Keras 2 module (`tf_keras`, `tf.keras`, `keras`): it
    replaces every `keras` name the definitions read, so the helpers use the very Keras the
    model's layers come from. The file must bind it (see `imports.module_reference`).
    """
    wanted = set(template_closure(_KERAS_2_TEMPLATE_FILE, names)) - set(present)
    if not wanted:
        return ""
    chosen = [_with_keras(d, keras) for d in _template(_KERAS_2_TEMPLATE_FILE) if d.name in wanted]
    return KERAS_2_HELPER_HEADER + "\n" + "\n\n\n".join(chosen) + "\n"


def _with_keras(definition: _Definition, keras: str) -> str:
    lines = definition.source.split("\n")
    for line, column in definition.keras_names:  # last first: earlier columns stay valid
        text = lines[line]
        lines[line] = text[:column] + keras + text[column + len("keras") :]
    return "\n".join(lines)
