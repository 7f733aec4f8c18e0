"""Which dotted import paths name Keras things, whatever spelling the user's imports chose.

The interpreter evaluates `import tensorflow as tf` ... `tf.keras.layers.Conv1D` to the dotted path
"tensorflow.keras.layers.Conv1D"; this module says what such a path is. Only paths that really come from
an import reach here, so a user's own `class Conv1D` is never mistaken for Keras.
"""

from __future__ import annotations

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
