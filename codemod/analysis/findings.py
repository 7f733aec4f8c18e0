"""Findings: one per (mask producer, layer that destroys its mask) pair, with stable rule codes."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Code(str, Enum):
    """Stable rule codes. Each has a rule object, with its title, explanation and examples, in
    codemod/analysis/rules/ (one module per code)."""

    MASKING_TO_CONV = "KMC101"
    EMBEDDING_TO_CONV = "KMC102"
    OTHER_PRODUCER_TO_CONV = "KMC103"
    TO_OTHER_DESTROYER = "KMC201"
    TIME_DISTRIBUTED = "KMC301"
    OUTDATED_HELPERS = "KMC401"
    MANUAL_REVIEW = "KMC900"


@dataclass(frozen=True)
class Place:
    """A layer's construction in the source: its class name and 1-based line and column (and, in
    a notebook, the 1-based cell the line belongs to)."""

    name: str
    line: int
    column: int
    cell: int | None = field(default=None, kw_only=True)
    path: str | None = field(default=None, kw_only=True)  # another module of the project's

    @property
    def where(self) -> str:
        """ "line 9", "cell 2, line 3" in a notebook, or "models/base.py, line 9" elsewhere."""
        if self.path is not None:
            return f"{self.path}, line {self.line}"
        return f"line {self.line}" if self.cell is None else f"cell {self.cell}, line {self.line}"


@dataclass(frozen=True)
class Span:
    """Where a node sits in the source: 1-based lines, 0-based character columns, end exclusive.

    The same convention as libcst's PositionProvider, so the rewriter can find the node again.
    """

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Site:
    """One application of a layer: `call` is `layer(x)` itself; `item` is the layer expression in a
    Sequential list or an add() argument."""

    span: Span
    kind: str  # "call" or "item"


@dataclass(frozen=True)
class Elsewhere:
    """A layer in another module of the project that a mask-aware rewrite must convert too: the
    mask reaches it through a call from this file."""

    file: str  # the module's absolute path
    span: Span  # its construction call, in that file's text
    keras_class: str  # the Keras class a helper replaces
    where: str  # "encoders.py, line 6": how messages name it

    @property
    def label(self) -> str:
        return f"{self.keras_class} ({self.where})"


@dataclass(frozen=True)
class Targets:
    """The source nodes a rewrite of one finding acts on (found again by position with libcst)."""

    producer: Span  # the call that constructs the mask producer
    producer_sites: tuple[Site, ...]  # every place it is applied
    destroyer: Span | None  # the call that constructs the layer destroying the mask
    destroyer_sites: tuple[Site, ...]  # the applications of it that receive this mask
    convert: tuple[
        tuple[Span, str], ...
    ] = ()  # constructions mask-aware swaps, with the Keras class
    # Constructions in other modules of the project that mask-aware must swap as well.
    convert_elsewhere: tuple[Elsewhere, ...] = ()


@dataclass(frozen=True)
class Producer(Place):
    kind: str  # "masking", "embedding", "lambda", "time-distributed-masking", "keras-hub-embedding"
    mask_value: float | None = None  # Masking's mask_value when it is a literal
    mask_value_literal: bool = True  # False when mask_value is an expression we could not read
    certain: bool = True  # False when e.g. mask_zero is an expression
    assumes: str = ""  # a function's default the mask depends on: "with build()'s default ..."
    set_in_class: str = ""  # a user class whose __init__ sets mask_zero (not this call)


@dataclass(frozen=True)
class Finding:
    """A place where a mask is destroyed. `destroyer` is the layer that receives and destroys it."""

    code: Code
    line: int
    column: int
    end_line: int
    end_column: int
    producer: Producer
    destroyer: Place
    chain: tuple[Place, ...] = ()
    mask_user: Place | None = None
    # Facts the strategy choice needs.
    mask_used_elsewhere: tuple[str, ...] = ()  # why the producer's mask matters on another branch
    destroyer_is_keras: bool = True  # False for a user's own class: it cannot be swapped
    path_blockers: tuple[str, ...] = ()  # destroyers with no mask-aware version on the path
    # Destroyers further on that a mask-aware rewrite must convert too, since the mask now flows on.
    downstream_destroyers: tuple[Place, ...] = ()
    targets: Targets | None = None
    cell: int | None = None  # in a notebook: the cell `line` and `end_line` count within
    # In a notebook, the lines of the .ipynb file that hold `line` and `end_line` (set by the
    # engine, which reads the file): where annotations on the file itself go (GitHub, SARIF).
    file_line: int | None = None
    file_end_line: int | None = None
    keras_2: bool = False  # the layers come from Keras 2 (tf_keras...): no Keras 3 helpers there
    # The Keras module the producer was imported from ("tf_keras", "tensorflow.keras", "keras"),
    # which Keras 2 helpers are written against; "" when the analysis cannot tell.
    keras_module: str = ""
    # The run's target when it is Keras 2, described: "Keras 2.15 (requirements.txt: ...)".
    keras_2_target: str = ""
    # The destroyer reads the mask it is given though it does not pass it on (RNNs in Keras 3.16+).
    destroyer_uses_mask: bool = False
    detail: str = ""  # extra words for manual-review and outdated-helpers findings
    edited: tuple[str, ...] = ()  # KMC401: the old helpers edited by hand (fix leaves them)
    # Where a list holding the producer (the destroyer) as an item is indexed or sliced, "line
    # 11": deleting or inserting an item there would shift what the index picks.
    producer_indexed_at: str = ""
    destroyer_indexed_at: str = ""

    @property
    def message(self) -> str:
        producer = self.producer
        assumes = f", {producer.assumes}" if producer.assumes else ""
        source = f"{_producer_label(producer)} ({producer.where}{assumes})"
        if self.code is Code.MANUAL_REVIEW:
            return f"the mask from {source} {self.detail}; review by hand"
        if self.code is Code.OUTDATED_HELPERS:
            return f"{self.destroyer.name} {self.detail}"
        if self.code is Code.TIME_DISTRIBUTED and self.keras_2_target:
            text = (
                f"{self.destroyer.name} receives the mask from {source}; in Keras 2 the model "
                "raises TypeError here, as the wrapped layer does not support masking"
            )
        elif self.code is Code.TIME_DISTRIBUTED:
            text = (
                f"{self.destroyer.name} receives the mask from {source} and passes it on unchanged, "
                "so it no longer matches the output"
            )
        else:
            destroyer = self.destroyer.name
            if self.destroyer.path is not None:  # in another module, called from here
                destroyer += f" ({self.destroyer.where})"
            text = f"{destroyer} does not support masking and destroys the mask from {source}"
            if self.keras_2_target:
                text += "; Keras 2 drops it silently, with no warning"
        if self.mask_user is not None:
            down = self.mask_user
            text += f"; the {down.name} at {down.where} never sees it"
        return text


def _producer_label(producer: Producer) -> str:
    if producer.kind == "masking":
        if not producer.mask_value_literal:
            return "Masking(mask_value=<expression>)"
        return f"Masking(mask_value={producer.mask_value!r})"
    if producer.kind in ("embedding", "keras-hub-embedding"):
        return f"{producer.name}(mask_zero={'True' if producer.certain else '<expression>'})"
    if producer.kind == "lambda":
        return "Lambda(mask=...)"
    return producer.name
