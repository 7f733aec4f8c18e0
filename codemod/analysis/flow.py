"""The mask-flow graph: what each layer application does to the masks it receives.

The interpreter calls `apply` for every layer application it meets (functional calls, Sequential
items, model.add chains); masks travel as `Trace`s. A layer that does not support masking and receives
a trace yields a finding; `findings()` then adds, per finding, the mask user further down that
lost its mask and the layers in between that a mask-aware rewrite must convert as well.
"""

from __future__ import annotations

import ast
import os
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from codemod.analysis.findings import (
    Code,
    Elsewhere,
    Finding,
    Place,
    Producer,
    Site,
    Span,
    Targets,
)
from codemod.analysis.values import Layer, Node, Tensor, Trace
from codemod.catalogue import HelperMask, Passes


def has_mask_aware_version(layer: Layer) -> bool:
    return layer.origin == "keras" and layer.fact is not None and bool(layer.fact.helper)


@dataclass(eq=False)
class _Pending:
    code: Code
    trace: Trace
    destroyer: Layer | None
    site: ast.AST
    label: str
    nodes: list[Node] = field(default_factory=list)
    detail: str = ""
    entry: ast.AST | None = None  # a site in another module: the call here that led there


class Graph:
    """Collects layer applications and the findings they cause."""

    def __init__(
        self,
        place_of: Callable[[ast.AST], tuple[int, int, int, int]],
        where: Callable[[int], str] = lambda line: f"line {line}",
        foreign: dict[int, str] | None = None,
    ) -> None:
        self._place_of = place_of
        # Nodes of the project's other modules (id -> file): what happens there is reported
        # when that file is analysed; places there name their file.
        self._foreign = foreign if foreign is not None else {}
        # The calls of this file being evaluated, innermost last (the interpreter keeps it): a
        # mask destroyed in another module is reported at the call here that led there.
        self.entries: list[ast.AST] = []
        self._where = where  # how messages name a line: "line 9", or "cell 2, line 3"
        self._nodes: list[Node] = []
        self._successors: dict[int, list[Node]] = {}
        self._pending: dict[tuple[object, ...], _Pending] = {}
        self._used_by: dict[ast.AST, list[str]] = {}
        self._indexed: dict[ast.AST, ast.AST] = {}  # a list item's site -> where it is indexed

    # Building the graph -------------------------------------------------------------------------

    def apply(
        self, layer: Layer, inputs: list[Tensor], site: ast.AST, site_kind: str = "call"
    ) -> Tensor:
        """Apply `layer` to `inputs` at `site`: a `layer(x)` call, or (`site_kind` "item") the layer
        in a Sequential list or add() argument. Return its output tensor with the masks it carries."""
        origins = tuple(dict.fromkeys(node for tensor in inputs for node in tensor.origins))
        all_traces = frozenset(t for tensor in inputs for t in tensor.traces)
        node = Node(layer, origins, frozenset(), len(self._nodes), site, site_kind)
        out = self._output_traces(layer, inputs, all_traces, node)
        node.traces = frozenset(out)
        self._nodes.append(node)
        for origin in origins:
            self._successors.setdefault(id(origin), []).append(node)
        return Tensor(frozenset({node}), node.traces)

    def opaque(self, label: str, tensor: Tensor, site: ast.AST, why: str) -> None:
        """A mask flows into something the analysis cannot follow: ask for a manual review."""
        for trace in tensor.traces:
            if trace.certain and not trace.stale_reported:
                self._report(Code.MANUAL_REVIEW, trace, None, site, label, None, f"{why}")

    def indexed(self, items: Iterable[tuple[object, ast.AST]], where: ast.AST) -> None:
        """A list of layers is indexed or sliced at `where`: its items' places in it matter, so
        deleting one of them would change what the index picks."""
        for _, site in items:
            self._indexed.setdefault(site, where)

    def reaches_output(self, tensor: Tensor) -> None:
        """A model returns `tensor`: its mask is used by the loss, so removing it changes training."""
        for trace in tensor.traces:
            self._use(trace, "it reaches the model's output, where the loss uses it")

    # Rules --------------------------------------------------------------------------------------

    def _output_traces(
        self, layer: Layer, inputs: list[Tensor], traces: frozenset[Trace], node: Node
    ) -> set[Trace]:
        if layer.producer is not None:
            if destroys_mask(layer):  # its mask comes from inside; the one it is given is lost
                self._destroy(layer, traces, node)
            return {Trace(layer, doubt=layer.producer.doubt)}
        if layer.helper_mask is not None:
            return self._helper(layer, traces)
        if destroys_mask(layer):
            self._uses(layer, traces)  # see uses_but_drops_mask
            self._destroy(layer, traces, node)
            return set()
        fact = layer.fact
        if layer.origin == "user" and layer.user_ends_mask:
            return set()
        if layer.origin == "user" and layer.user_compute_mask:
            return {t.through(layer, doubt=f"{layer.name} computes its own mask") for t in traces}
        if fact is None or (layer.origin == "user" and layer.user_supports_masking):
            doubt = "" if layer.origin == "user" else f"{layer.name} may change or drop the mask"
            return {t.through(layer, doubt=doubt or t.doubt) for t in traces}
        if fact.name == "TimeDistributed":
            return self._time_distributed(layer, traces, node)
        self._uses(layer, traces)
        passes = fact.passes
        if fact.name == "Bidirectional" and layer.inner is not None:
            passes = Passes.IF_RETURN_SEQUENCES
            return_sequences = layer.inner.return_sequences
        else:
            return_sequences = layer.return_sequences
        if passes is Passes.SAME or passes is Passes.ANY_INPUT:
            return {t.through(layer) for t in traces}
        if passes is Passes.IF_RETURN_SEQUENCES:
            if return_sequences is True:
                return {t.through(layer) for t in traces}
            if return_sequences is None:
                doubt = f"{layer.name}'s return_sequences is not a literal"
                return {t.through(layer, doubt=doubt) for t in traces}
            return set()
        if passes is Passes.FIRST_INPUT:
            return {t.through(layer) for t in inputs[0].traces} if inputs else set()
        if passes is Passes.ALL_INPUTS:
            if inputs and all(tensor.traces for tensor in inputs):
                return {t.through(layer) for t in traces}
            return set()
        return set()

    def _uses(self, layer: Layer, traces: frozenset[Trace]) -> None:
        """A layer that reads the mask: the producer's mask matters to it."""
        if layer.fact is not None and layer.fact.uses_mask:
            for trace in traces:
                self._use(trace, f"the {layer.name} at {self._where_node(layer.node)} uses it")

    def _helper(self, layer: Layer, traces: frozenset[Trace]) -> set[Trace]:
        if layer.helper_mask is HelperMask.COMPUTES:
            return {t.through(layer) for t in traces}
        if layer.helper_mask is HelperMask.PER_FRAME:
            return {t.through(layer, frame_level=True) for t in traces}
        for trace in traces:
            self._use(trace, f"the {layer.name} at {self._where_node(layer.node)} uses it")
        return set()

    def _time_distributed(self, layer: Layer, traces: frozenset[Trace], node: Node) -> set[Trace]:
        if layer.inner is None or not destroys_mask(layer.inner):
            return {t.through(layer) for t in traces}
        out = set()
        for trace in traces:
            if trace.frame_level or trace.stale_reported:
                out.add(trace.through(layer))
                continue
            code = Code.TIME_DISTRIBUTED if trace.certain else Code.MANUAL_REVIEW
            self._report(code, trace, layer, layer.node, _wrapped_name(layer), node, trace.doubt)
            out.add(trace.through(layer, stale_reported=True))
        return out

    def _destroy(self, layer: Layer, traces: frozenset[Trace], node: Node) -> None:
        for trace in traces:
            if trace.stale_reported:
                continue
            if not trace.certain:
                code = Code.MANUAL_REVIEW
            else:  # the rule covering this producer and layer (codemod/analysis/rules/)
                from codemod.analysis import rules  # loads every rule: only once there is a finding

                family = layer.fact.family if layer.fact is not None else None
                kind = trace.producer.producer.kind  # type: ignore[union-attr]
                code = rules.at_destroyer(kind, family).code
            self._report(code, trace, layer, layer.node, layer.name, node, trace.doubt)

    def _report(
        self,
        code: Code,
        trace: Trace,
        destroyer: Layer | None,
        site: ast.AST,
        label: str,
        node: Node | None,
        detail: str,
    ) -> None:
        key = (code, trace.producer.node, site)
        pending = self._pending.get(key)
        if pending is None:
            pending = self._pending[key] = _Pending(
                code, trace, destroyer, site, label, detail=detail
            )
        if pending.entry is None and self._elsewhere(site) and self.entries:
            pending.entry = self.entries[-1]
        if node is not None:
            pending.nodes.append(node)

    def _use(self, trace: Trace, reason: str) -> None:
        reasons = self._used_by.setdefault(trace.producer.node, [])
        if reason not in reasons:
            reasons.append(reason)

    # Reading the findings -----------------------------------------------------------------------

    def findings(self) -> list[Finding]:
        result = [
            self._finding(p)
            for p in self._pending.values()
            if self._reported_here(p) and not self._certain_elsewhere(p)
        ]
        result.sort(
            key=lambda f: (f.line, f.column, f.code.value, f.producer.line, f.producer.column)
        )
        return result

    def _certain_elsewhere(self, pending: _Pending) -> bool:
        """A doubtful mask at a layer that certainly gets the same producer's mask on another
        path (a builder run with its default mask_zero=True, and called with a variable): one
        finding, the certain one, which the rewrite of that layer settles for both."""
        return pending.code is Code.MANUAL_REVIEW and any(
            (code, pending.trace.producer.node, pending.site) in self._pending
            for code in Code
            if code is not Code.MANUAL_REVIEW
        )

    def _reported_here(self, pending: _Pending) -> bool:
        """A mask destroyed in this file; or a mask made here and destroyed in another module
        this file calls into (reported at that call). What happens wholly in another module is
        reported when that module is analysed."""
        if not self._elsewhere(pending.site):
            return True
        return pending.entry is not None and not self._elsewhere(pending.trace.producer.node)

    def _finding(self, pending: _Pending) -> Finding:
        line, column, end_line, end_column = self._place_of(pending.site)
        elsewhere = self._elsewhere(pending.site)
        destroyer = Place(pending.label, line, column, path=elsewhere)
        if elsewhere and pending.entry is not None:  # at the call into the other module
            line, column, end_line, end_column = self._place_of(pending.entry)
        trace = pending.trace
        down = self._downstream(pending.nodes)
        blockers = []
        converts: list[Layer] = []
        if pending.destroyer is not None:
            if has_mask_aware_version(pending.destroyer):
                converts.append(pending.destroyer)
                if not _ends_when_converted(pending.destroyer):
                    frames = _time_distributed_destroyer(pending.destroyer)
                    more, blocked = self._conversion_path(pending.nodes, frames)
                    converts += more
                    blockers += [layer.name for layer in blocked]
            else:
                blockers.insert(0, pending.destroyer.name)
        producer_nodes = [node for node in self._nodes if node.layer is trace.producer]
        detail = pending.detail
        if pending.code is Code.MANUAL_REVIEW and pending.destroyer is not None:
            detail = f"may reach {pending.label} ({self._where(line)}): {detail}"
        elif pending.code is Code.MANUAL_REVIEW:
            detail = f"flows into {pending.label} ({self._where(line)}), {detail}"
        return Finding(
            code=pending.code,
            line=line,
            column=column,
            end_line=end_line,
            end_column=end_column,
            producer=self._producer(trace.producer),
            destroyer=destroyer,
            chain=tuple(self._place(layer) for layer in trace.chain),
            mask_user=self._place(down) if down is not None else None,
            mask_used_elsewhere=tuple(self._used_by.get(trace.producer.node, ())),
            destroyer_is_keras=pending.destroyer is not None
            and pending.destroyer.origin == "keras",
            path_blockers=tuple(dict.fromkeys(blockers)),
            downstream_destroyers=tuple(self._place(layer) for layer in converts[1:]),
            targets=self._targets(trace.producer, producer_nodes, pending, converts),
            keras_2=trace.producer.keras_2
            or (pending.destroyer is not None and pending.destroyer.keras_2),
            keras_module=trace.producer.keras_module,
            destroyer_uses_mask=pending.destroyer is not None
            and uses_but_drops_mask(pending.destroyer),
            detail=detail,
            producer_indexed_at=self._indexed_at(producer_nodes),
            destroyer_indexed_at=self._indexed_at(pending.nodes),
        )

    def _indexed_at(self, nodes: Iterable[Node]) -> str:
        """Where a list holding one of these applications as an item is indexed or sliced."""
        for node in nodes:
            if node.site in self._indexed:
                return self._where_node(self._indexed[node.site])
        return ""

    def _targets(
        self, producer: Layer, applied: list[Node], pending: _Pending, converts: list[Layer]
    ) -> Targets:
        destroyer = pending.destroyer
        return Targets(
            producer=self._span(producer.node),
            producer_sites=tuple(self._site(node) for node in applied),
            destroyer=self._span(destroyer.node) if destroyer is not None else None,
            destroyer_sites=tuple(self._site(node) for node in pending.nodes),
            convert=tuple(
                (self._span(layer.node), _class_name(layer))
                for layer in converts
                if id(layer.node) not in self._foreign
            ),
            convert_elsewhere=tuple(
                Elsewhere(
                    self._foreign[id(layer.node)],
                    self._span(layer.node),
                    _class_name(layer),
                    self._where_node(layer.node),
                )
                for layer in converts
                if id(layer.node) in self._foreign
            ),
        )

    def _site(self, node: Node) -> Site:
        return Site(self._span(node.site), node.site_kind)

    def _span(self, node: ast.AST) -> Span:
        line, column, end_line, end_column = self._place_of(node)
        return Span(line, column - 1, end_line, end_column - 1)

    def _downstream(self, starts: Iterable[Node]) -> Layer | None:
        """The nearest mask user after the destroying layer, on any path."""
        seen: set[int] = set()
        queue: deque[Node] = deque()
        for start in starts:
            if id(start) not in seen:
                seen.add(id(start))
                queue.append(start)
        while queue:
            node = queue.popleft()
            for succ in self._successors.get(id(node), ()):
                if id(succ) in seen:
                    continue
                seen.add(id(succ))
                fact = succ.layer.fact
                if fact is not None and fact.shows_mask_intent and succ.layer.origin == "keras":
                    return succ.layer
                queue.append(succ)
        return None

    def _conversion_path(
        self, starts: Iterable[Node], frame_level: bool
    ) -> tuple[list[Layer], list[Layer]]:
        """Follow the mask a mask-aware layer now passes on: the destroyers it reaches, which a
        mask-aware rewrite converts as well, and those with no mask-aware version (blockers).
        After a MaskedTimeDistributed the mask has one value per frame, which TimeDistributed
        passes on correctly, so later TimeDistributed layers need no conversion."""
        converts: list[Layer] = []
        blockers: list[Layer] = []
        seen: set[int] = set()
        queue: deque[tuple[Node, bool]] = deque((start, frame_level) for start in starts)
        while queue:
            node, frames = queue.popleft()
            for succ in self._successors.get(id(node), ()):
                if id(succ) in seen:
                    continue
                seen.add(id(succ))
                layer = succ.layer
                if _time_distributed_destroyer(layer) and frames:
                    queue.append((succ, frames))
                elif uses_but_drops_mask(layer):
                    continue  # the mask reaches a layer that uses it: what mask-aware is for
                elif destroys_mask(layer) or _time_distributed_destroyer(layer):
                    if not has_mask_aware_version(layer):
                        _add_once(blockers, layer)
                        continue
                    _add_once(converts, layer)
                    if not _ends_when_converted(layer):
                        queue.append((succ, frames or _time_distributed_destroyer(layer)))
                elif _passes_mask(layer):
                    queue.append((succ, frames))
        return converts, blockers

    def _where_node(self, node: ast.AST) -> str:
        """ "line 9" (or "cell 2, line 3"), or "models/base.py, line 9" in another module."""
        elsewhere = self._elsewhere(node)
        line = self._line(node)
        return f"{elsewhere}, line {line}" if elsewhere else self._where(line)

    def _elsewhere(self, node: ast.AST) -> str | None:
        """The file of a node in another module of the project, as the user would name it."""
        file = self._foreign.get(id(node))
        return os.path.relpath(file) if file is not None else None

    def _producer(self, layer: Layer) -> Producer:
        spec = layer.producer
        line, column, _, _ = self._place_of(layer.node)
        assert spec is not None
        return Producer(
            name=_wrapped_name(layer),
            line=line,
            column=column,
            path=self._elsewhere(layer.node),
            kind=spec.kind,
            mask_value=spec.mask_value,
            mask_value_literal=spec.mask_value_literal,
            certain=not spec.doubt,
            assumes=spec.assumes,
            set_in_class=spec.set_in_class,
        )

    def _place(self, layer: Layer) -> Place:
        line, column, _, _ = self._place_of(layer.node)
        return Place(_wrapped_name(layer), line, column, path=self._elsewhere(layer.node))

    def _line(self, node: ast.AST) -> int:
        return self._place_of(node)[0]


def destroys_mask(layer: Layer) -> bool:
    """Keras warns "does not support masking" when a mask reaches this layer, and drops the mask."""
    if layer.helper_mask is not None:
        return False
    if layer.producer is not None and not layer.producer.at_run_time:
        return False
    if layer.origin == "user" and (layer.user_supports_masking or layer.user_compute_mask):
        return False
    if layer.fact is not None:
        return not layer.fact.supports_masking
    # A user's class that is not a subclass of a catalogued layer: Keras' default is no masking.
    return layer.origin in ("user", "model")


def uses_but_drops_mask(layer: Layer) -> bool:
    """Keras warns and drops the mask, yet the layer reads it first (RNNs in Keras 3.16+)."""
    return destroys_mask(layer) and layer.fact is not None and layer.fact.uses_mask


def _passes_mask(layer: Layer) -> bool:
    """Whether a mask arriving at this (non-destroying) layer may go on to its output."""
    if layer.producer is not None:
        return False  # its own mask replaces the one arriving
    if layer.helper_mask is not None:
        return layer.helper_mask is not HelperMask.ENDS
    fact = layer.fact
    if fact is None or layer.origin == "user" or fact.name == "TimeDistributed":
        return True
    if fact.name == "Bidirectional" and layer.inner is not None:
        return layer.inner.return_sequences is not False
    if fact.passes is Passes.IF_RETURN_SEQUENCES:
        return layer.return_sequences is not False
    return fact.passes is not Passes.NONE


def _ends_when_converted(layer: Layer) -> bool:
    """Mask-aware global pooling and Flatten use the mask and end it."""
    return layer.fact is not None and layer.fact.helper_mask is HelperMask.ENDS


def _class_name(layer: Layer) -> str:
    """The Keras class a mask-aware rewrite replaces (TimeDistributed for a wrapper)."""
    return layer.fact.name if layer.fact is not None else layer.name


def _add_once(layers: list[Layer], layer: Layer) -> None:
    if not any(seen is layer for seen in layers):
        layers.append(layer)


def _time_distributed_destroyer(layer: Layer) -> bool:
    return (
        layer.fact is not None
        and layer.fact.name == "TimeDistributed"
        and layer.inner is not None
        and destroys_mask(layer.inner)
    )


def _wrapped_name(layer: Layer) -> str:
    if layer.inner is not None:
        return f"{layer.name}({_wrapped_name(layer.inner)})"
    return layer.name
