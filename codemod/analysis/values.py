"""The abstract values the interpreter computes instead of running the user's code."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace

from codemod.catalogue import HelperMask, LayerFact


class Value:
    """Base of every abstract value."""


@dataclass(eq=False)
class Unknown(Value):
    """Anything the analysis does not model. `foreign` names a callable defined in another module."""

    foreign: str | None = None


UNKNOWN = Unknown()


@dataclass(frozen=True)
class Const(Value):
    value: object
    # When a function runs on its own, the parameter whose default this is: "build's mask_zero".
    default_of: str = field(default="", compare=False)


@dataclass(frozen=True)
class ModuleRef(Value):
    """Something reached through an import: a module, or an object in one, by dotted path."""

    path: str


@dataclass(eq=False)
class LazyImport(Value):
    """`from module import name` of the project's own module, run when the name is first used."""

    module: str
    name: str
    importer: str  # the file whose import it is (relative imports count from there)


@dataclass(eq=False)
class ProjectModuleRef(Value):
    """A module of the project, run by the analysis: its variables (a Scope)."""

    scope: object


@dataclass(eq=False)
class ProducerSpec:
    """How a layer makes a mask: `certain` is False when an argument such as mask_zero is an expression."""

    kind: str
    doubt: str = ""  # why the mask may not exist, e.g. "mask_zero is not a literal"
    mask_value: float | None = None
    mask_value_literal: bool = True
    assumes: str = ""  # what the mask depends on: "mask_zero=True is build's default"
    set_in_class: str = ""  # the user class whose __init__ sets mask_zero, not the call
    at_run_time: bool = False  # attached by a layer inside, only when the model runs


@dataclass(eq=False)
class Layer(Value):
    """A layer instance, identified by the call that constructs it."""

    name: str
    fact: LayerFact | None
    node: ast.Call
    origin: str = "keras"  # "keras", "helper" (ours) or "user" (a class the user wrote)
    producer: ProducerSpec | None = None
    return_sequences: bool | None = False  # None: not a literal
    inner: Layer | None = None
    helper_mask: HelperMask | None = None  # for our own helpers: what they do with the mask
    user_supports_masking: bool = False
    user_compute_mask: bool = False
    user_ends_mask: bool = False  # its compute_mask only ever returns None
    keras_2: bool = False  # imported from a Keras 2 only path (tf_keras...): no Keras 3 helpers
    keras_module: str = ""  # the Keras module it came from: "tf_keras", "tensorflow.keras"...


@dataclass(frozen=True, eq=False)
class Trace:
    """One producer's mask as it travels: the layers it went through, and how sure we are."""

    producer: Layer
    # The layers passed, newest last, as (earlier links, layer) pairs: each step shares the
    # links before it, so a mask through 10,000 Sequential layers costs 10,000 pairs, not
    # 50 million tuple slots.
    links: tuple[object, Layer] | None = None
    doubt: str = ""  # why the mask may not be there; empty when it certainly is
    frame_level: bool = False  # reduced to one flag per time step (MaskedTimeDistributed)
    stale_reported: bool = False  # already reported at an earlier TimeDistributed

    @property
    def certain(self) -> bool:
        return not self.doubt

    @property
    def chain(self) -> tuple[Layer, ...]:
        layers: list[Layer] = []
        link = self.links
        while link is not None:
            link, layer = link  # type: ignore[assignment]
            layers.append(layer)
        return tuple(reversed(layers))

    def through(self, layer: Layer, **changes: object) -> Trace:
        """The same mask after passing `layer`, with some fields changed."""
        return replace(self, links=(self.links, layer), **changes)


@dataclass(eq=False)
class Node:
    """One application of a layer in the model graph."""

    layer: Layer
    inputs: tuple[Node, ...]
    traces: frozenset[Trace]
    index: int
    site: ast.AST  # where it is applied: `layer(x)`, a Sequential item, an add() argument
    site_kind: str = "call"  # "call" for `layer(x)`, "item" for the other two


@dataclass(eq=False)
class Tensor(Value):
    """A symbolic tensor: the nodes it may come from and the masks it may carry."""

    origins: frozenset[Node] = frozenset()
    traces: frozenset[Trace] = frozenset()


@dataclass(eq=False)
class LayerList(Value):
    """A Python list (or tuple) literal; items keep the source node they came from."""

    items: list[tuple[Value, ast.AST]] = field(default_factory=list)


@dataclass(eq=False)
class SequentialModel(Value):
    node: ast.AST
    items: LayerList


@dataclass(eq=False)
class FunctionalModel(Value):
    node: ast.AST
    outputs: Value


@dataclass(eq=False)
class UserClass(Value):
    node: ast.ClassDef
    bases: list[Value]
    scope: object  # the defining Scope


@dataclass(eq=False)
class Instance(Value):
    """`self` while a user class's methods are interpreted."""

    cls: UserClass
    attrs: dict[str, Value] = field(default_factory=dict)


@dataclass(eq=False)
class Function(Value):
    node: ast.FunctionDef | ast.AsyncFunctionDef
    scope: object  # the defining Scope
    bound_self: Value | None = None
    owner: UserClass | None = None  # for a method: the class defining it (where super() looks)


@dataclass(eq=False)
class Super(Value):
    """`super()` in a method of `owner`, called on `instance`."""

    owner: UserClass
    instance: Value


@dataclass(eq=False)
class BoundMethod(Value):
    """A method of a modelled value: `model.add`, `layers.append`..."""

    target: Value
    name: str


@dataclass(eq=False)
class Alt(Value):
    """One of several values, after an if/else."""

    options: tuple[Value, ...]


def join(a: Value, b: Value) -> Value:
    """The value of a variable assigned differently on two branches."""
    if a is b:
        return a
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        return Tensor(a.origins | b.origins, a.traces | b.traces)
    if isinstance(a, Const) and isinstance(b, Const) and a == b:
        return a
    if isinstance(a, Unknown):
        return b
    if isinstance(b, Unknown):
        return a
    options: dict[object, Value] = {}  # by identity, equal constants once
    for value in (a, b):
        for option in value.options if isinstance(value, Alt) else (value,):
            options.setdefault(_identity(option), option)
    if len(options) > MAX_OPTIONS:
        return UNKNOWN  # `1 if a else 2 if b else ...` thousands deep: give up, stay linear
    return Alt(tuple(options.values()))


# More alternatives than any real model has for one variable; beyond it a value is unknown.
MAX_OPTIONS = 64


def _identity(value: Value) -> object:
    if isinstance(value, Const):
        try:
            return ("const", type(value.value), hash(value.value), value.value)
        except TypeError:  # an unhashable constant: only itself is itself
            pass
    return id(value)
