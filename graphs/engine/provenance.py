"""Labelling a call's arguments with their provenance before the tool-call guardrails run.

For every leaf of a call's validated arguments the ``ProvenanceTracer`` finds its sources
(``plangate.graphs.guards.labels``):

1. **References.** A leaf written as (or inside) a ``${step.path}`` reference in the step's raw
   arguments comes from that step's result, at that path — followed at field level, so
   ``"${s2[0]}"`` gives ``venue.id`` the source ``s2 [0].id``. Tool results are untrusted.
   An expression that picks a value (``${orders.orders[symbol == 'META'][0].id}``) names the
   item it picked (``orders [2].id``); one that computes (``${floor(pos[0].qty / 2)}``) names
   every result it read, each with the computation (``pos [0].qty, computed as floor(...)``),
   and stays untrusted like them.
2. **The request.** A literal that occurs in the user's request (case-folded, NFKC, spaces
   collapsed; short strings and numbers as whole words) came from the request: trusted.
3. **Earlier results.** A literal chosen under *untrusted control* — a re-plan, or a react turn
   after the first, both made after reading tool results — is matched against the results of
   the finished steps: equal to a string there (two characters or more), or, for eight or
   more characters, contained in one or containing one; a number (or a string that is one)
   of two digits or more, equal to a number there or written in a text (``4,750.00`` is
   4750). It is labelled with the step and the path it appears at. (Under trusted control the planner had seen no result, so a literal
   cannot have come from one and is not matched.)
4. **The model.** Anything else was chosen by the planner or the model: trusted exactly when
   the control is. In a fixed plan given as code (``fixed``), the first plan's literals were
   written in the workflow (``workflow``, trusted) rather than chosen by a model.

A leaf absent from the raw arguments was filled in by the tool's argument model (``default``).
Work is bounded: at most ``MAX_LEAVES`` leaves per call (deeper or further parts are labelled as
a whole) and ``MAX_RESULT_STRINGS`` strings per result.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from plangate.graphs.engine._result_index import _INDEXES as _INDEXES  # the runs' indexes
from plangate.graphs.engine._result_index import (
    MAX_DEPTH,
    MAX_RESULT_STRINGS,
    MIN_CONTAINED,
    MIN_EXACT,
    _index_of,
    _ResultsIndex,
    normalize,
    number_key,
    result_path,
)
from plangate.graphs.engine._result_index import _StepText as _StepText

__all__ = [
    "MAX_LEAVES",
    "MAX_RESULT_STRINGS",
    "MIN_CONTAINED",
    "MIN_EXACT",
    "ProvenanceTracer",
    "normalize",
    "number_key",
    "result_path",
    "with_edits",
]
from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.engine.references import (
    Expression,
    PathSegment,
    Reference,
    ReferenceResolutionError,
    parse_template,
)
from plangate.graphs.guards.labels import ArgumentLabel, CallProvenance, Source, SourceKind

MAX_LEAVES = 200
_SHORT = 4  # below this many characters a request match must be a whole word
_MISSING: Any = object()


def _walk(value: Any, limit: int) -> Iterator[tuple[tuple[PathSegment, ...], Any]]:
    """``(path, leaf)`` pairs in order, at most ``limit``: a container whose items would pass
    the limit, or that lies too deep, is yielded whole."""
    stack: list[tuple[tuple[PathSegment, ...], Any]] = [((), value)]
    count = 0
    while stack:
        path, node = stack.pop()
        children: list[tuple[PathSegment, Any]] = []
        if len(path) < MAX_DEPTH:
            if isinstance(node, Mapping):
                children = [(str(key), item) for key, item in node.items()]
            elif isinstance(node, list | tuple):
                children = list(enumerate(node))
        if children and count + len(stack) + len(children) <= limit:
            stack.extend(((*path, seg), item) for seg, item in reversed(children))
        else:
            count += 1
            yield path, node


class ProvenanceTracer:
    """Labels the calls of one dispatch.

    Args:
        request: the user's request.
        results: result JSON of the finished steps, by step id (in the order they ran).
        tools: the tool of each step, by step id.
        strategy: ``plan`` or ``react`` (decides which calls were made under trusted control).
        round_: the plan's round (0 = the first plan, made from the request alone).
        run: the run's id (its thread): the index of its results is then kept and extended
            from one dispatch to the next instead of built again.
        fixed: the run's first plan was given as code (a workflow), not made by a planner.
    """

    def __init__(
        self,
        request: str,
        results: Mapping[str, Any],
        tools: Mapping[str, str],
        *,
        strategy: str = "plan",
        round_: int = 0,
        run: str | None = None,
        fixed: bool = False,
    ) -> None:
        self._request = normalize(request)
        self._fixed = fixed
        self._results = results
        self._tools = tools
        self._strategy = strategy
        self._run = run
        self._index: _ResultsIndex | None = None
        self._round = round_

    def is_trusted_control(self, plan: Plan, step: Step) -> bool:
        """Whether ``step`` was planned from the request alone, before any result was read."""
        if self._strategy == "react":  # react steps are t<turn>_<n>; turn 1 saw only the request
            return step.id.split("_")[0] == plan.steps[0].id.split("_")[0]
        return self._round == 0

    def trace(self, plan: Plan, step: Step, args: Mapping[str, Any]) -> CallProvenance:
        """The labels of ``args``: ``step``'s arguments as validated for its tool."""
        control = self.is_trusted_control(plan, step)
        labels = []
        for path, value in _walk(args, MAX_LEAVES):
            if not path:
                continue  # no arguments at all
            sources = self._referenced(step.args, path)
            if sources is None:
                sources = self._literal(value, _raw(step.args, path), control)
            trusted = all(_is_trusted(source, control) for source in sources)
            labels.append(ArgumentLabel(path=result_path(path), sources=sources, trusted=trusted))
        return CallProvenance(trusted_control=control, arguments=tuple(labels))

    def _referenced(self, raw: Any, path: tuple[PathSegment, ...]) -> tuple[Source, ...] | None:
        """The sources of a leaf written with references; None for a literal."""
        node = raw
        for depth, seg in enumerate(path):
            if isinstance(node, str):  # a reference that resolved to a container
                return self._template(node, path[depth:])
            node = _child(node, seg)
            if node is _MISSING:
                return (Source(kind="default"),)
        return self._template(node, ()) if isinstance(node, str) else None

    def _template(self, text: str, rest: tuple[PathSegment, ...]) -> tuple[Source, ...] | None:
        if "${" not in text:
            return None
        try:
            parts = parse_template(text)
        except ReferenceResolutionError:
            return None
        refs = [part for part in parts if isinstance(part, Reference)]
        if not refs:
            return None
        sources = [
            source
            for ref in refs
            for source in (
                self._computed(ref, rest)
                if isinstance(ref, Expression)
                else [self._from_step(ref.step_id, ref.path + rest)]
            )
        ]
        literal = "".join(part for part in parts if isinstance(part, str)).strip()
        if literal:
            in_request = self._in_request(literal)
            sources.append(Source(kind="request" if in_request else self._author()))
        return tuple(dict.fromkeys(sources))

    def _computed(self, expression: Expression, rest: tuple[PathSegment, ...]) -> list[Source]:
        """The sources of an expression's value: the item a filter picked, or for a computed
        value every result it read, each shown with the computation."""
        try:
            traced = expression.trace(self._results)
        except ReferenceResolutionError:  # cannot happen once resolved; name what it reads
            return [self._from_step(ref.step_id, ref.path) for ref in expression.references]
        if traced.where is not None:
            return [self._from_step(traced.where.step_id, traced.where.path + rest)]
        formula = f", computed as {expression.canonical}"
        return [
            self._from_step(read.step_id, read.path, note=formula) for read in traced.reads
        ] or [self._from_step(ref.step_id, ref.path) for ref in expression.references]

    def _from_step(
        self, step_id: str, path: tuple[PathSegment, ...], *, matched: bool = False, note: str = ""
    ) -> Source:
        return Source(
            kind="step", step_id=step_id, tool=self._tools.get(step_id),
            path=result_path(path) + note, matched=matched,
        )  # fmt: skip

    def _literal(self, value: Any, raw: Any, control: bool) -> tuple[Source, ...]:
        if self._in_request(value) or (raw != value and self._in_request(raw)):
            return (Source(kind="request"),)
        if not control and isinstance(value, str):
            found = self._in_results(normalize(value))
            if found:
                return found
        if not control:
            found = self._number_in_results(value)
            if found:
                return found
        return (Source(kind=self._author()),)

    def _author(self) -> SourceKind:
        """Who wrote an unmatched literal: the workflow's author in a fixed first plan."""
        return "workflow" if self._fixed and self._round == 0 else "model"

    def _in_request(self, value: Any) -> bool:
        if isinstance(value, bool) or value is None:
            return False
        if isinstance(value, int | float):
            forms = {str(value)}
            if isinstance(value, float) and value.is_integer():
                forms.add(str(int(value)))  # 4.0 was written 4
            return any(_has_word(form, self._request) for form in forms)
        if not isinstance(value, str):
            return False
        norm = normalize(value)
        if not norm:
            return False
        return _has_word(norm, self._request) if len(norm) < _SHORT else norm in self._request

    def _in_results(self, norm: str) -> tuple[Source, ...]:
        if len(norm) < MIN_EXACT:
            return ()
        if self._index is None:
            self._index = _index_of(self._run, self._results)
        found = []
        for position in self._index.candidates(norm):
            path = self._index.texts[position].find(norm)
            if path is not None:
                step_id = self._index.keys[position][0]
                found.append(
                    Source(kind="step", step_id=step_id, tool=self._tools.get(step_id),
                           path=path, matched=True)
                )  # fmt: skip
                if len(found) == 3:
                    break
        return tuple(found)

    def _number_in_results(self, value: Any) -> tuple[Source, ...]:
        """Where a number (or a string that is one) occurs in the results, as a number."""
        key = number_key(value)
        if key is None:
            return ()
        if self._index is None:
            self._index = _index_of(self._run, self._results)
        found = []
        for position in self._index.numbers.get(key, ())[:3]:
            step_id = self._index.keys[position][0]
            path = self._index.texts[position].numbers[key]
            found.append(
                Source(kind="step", step_id=step_id, tool=self._tools.get(step_id), path=path,
                       matched=True)
            )  # fmt: skip
        return tuple(found)


def _child(node: Any, seg: PathSegment) -> Any:
    """``node[seg]`` when it exists, else ``_MISSING``."""
    if isinstance(seg, str) and isinstance(node, Mapping):
        return node.get(seg, _MISSING)
    if isinstance(seg, int) and isinstance(node, list | tuple) and seg < len(node):
        return node[seg]
    return _MISSING


def _raw(raw: Any, path: tuple[PathSegment, ...]) -> Any:
    node = raw
    for seg in path:
        node = _child(node, seg)
        if node is _MISSING:
            return None
    return node


def _has_word(word: str, text: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(word)}(?![\w]|\.\d)", text) is not None


def _is_trusted(source: Source, control: bool) -> bool:
    if source.kind == "model":
        return control
    return source.kind != "step"


def with_edits(
    provenance: CallProvenance | None, args: Mapping[str, Any], edited: Mapping[str, Any]
) -> CallProvenance | None:
    """``provenance`` after a person edited the ``edited`` arguments of a call (now ``args``)."""
    if provenance is None:
        return None
    control = provenance.trusted_control
    labels = []
    for path, _ in _walk(args, MAX_LEAVES):
        if not path:
            continue
        shown = result_path(path)
        label = provenance.label(shown)
        if path[0] in edited:
            label = ArgumentLabel(path=shown, sources=(Source(kind="person"),), trusted=True)
        elif label is None:  # reshaped by the edit's validation: as if the model chose it
            label = ArgumentLabel(path=shown, sources=(Source(kind="model"),), trusted=control)
        labels.append(label)
    return CallProvenance(trusted_control=provenance.trusted_control, arguments=tuple(labels))
