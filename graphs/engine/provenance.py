"""Labelling a call's arguments with their provenance before the tool-call guardrails run.

For every leaf of a call's validated arguments the ``ProvenanceTracer`` finds its sources
(``plangate.graphs.guards.labels``):

1. **References.** A leaf written as (or inside) a ``${step.path}`` reference in the step's raw
   arguments comes from that step's result, at that path — followed at field level, so
   ``"${s2[0]}"`` gives ``venue.id`` the source ``s2 [0].id``. Tool results are untrusted.
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

import bisect
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from plangate.graphs.engine.identity_memo import IdentityMemo
from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.engine.references import (
    PathSegment,
    Reference,
    ReferenceResolutionError,
    format_path,
    parse_template,
)
from plangate.graphs.guards.labels import ArgumentLabel, CallProvenance, Source, SourceKind

MAX_LEAVES = 200
MAX_DEPTH = 24
MAX_RESULT_STRINGS = 5000
MIN_EXACT = 2
MIN_CONTAINED = 8
_SHORT = 4  # below this many characters a request match must be a whole word
_ZERO_WIDTH = re.compile(r"[\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]")
_SPACES = re.compile(r"\s+")
_SEPARATOR = "\x00"
_NUMBER = re.compile(r"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w]|[.,]\d)")
_MISSING: Any = object()


def normalize(text: str) -> str:
    """``text`` for matching: NFKC, zero-width characters removed, case-folded, spaces collapsed."""
    text = _ZERO_WIDTH.sub("", unicodedata.normalize("NFKC", text))
    return _SPACES.sub(" ", text.casefold()).strip()


def result_path(path: tuple[PathSegment, ...]) -> str:
    """A path inside a result as shown to a person: ``[0].id``, ``price.amount``."""
    return format_path("", path).removeprefix(".")


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


def number_key(value: Any) -> str | None:
    """A number's form for matching (``4750``, ``12.5``), from a number or the text of one;
    None for anything else, and for numbers of one digit (they occur everywhere)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    text = value if isinstance(value, str) else repr(value)
    text = text.strip().replace(",", "") if isinstance(value, str) else text
    try:
        number = float(text) if "." in text or "e" in text.lower() else int(text)
    except ValueError:
        return None
    if isinstance(number, float) and not number.is_integer():
        key = repr(number)
    else:
        key = str(int(number))
    return key if len(key.lstrip("-")) >= MIN_EXACT else None


def _strings(value: Any, limit: int) -> Iterator[tuple[tuple[PathSegment, ...], Any]]:
    """The first ``limit`` strings (and numbers) in ``value`` with their paths, in order."""
    stack: list[tuple[tuple[PathSegment, ...], Any]] = [((), value)]
    while stack and limit > 0:
        path, node = stack.pop()
        if isinstance(node, str | int | float) and not isinstance(node, bool):
            limit -= 1
            yield path, node
        elif len(path) < MAX_DEPTH and isinstance(node, Mapping):
            stack.extend(((*path, str(k)), item) for k, item in reversed(list(node.items())))
        elif len(path) < MAX_DEPTH and isinstance(node, list | tuple):
            stack.extend(((*path, i), item) for i, item in reversed(list(enumerate(node))))


@dataclass
class _StepText:
    """One result's strings, for exact and contained matching."""

    exact: dict[str, str] = field(default_factory=dict)  # normalized string -> first path
    long: list[tuple[str, str]] = field(default_factory=list)  # (normalized, path), long enough
    text: str = ""  # the long strings joined by _SEPARATOR
    starts: list[int] = field(default_factory=list)  # where each long string starts in text
    numbers: dict[str, str] = field(default_factory=dict)  # number_key -> first path

    @classmethod
    def of(cls, result: Any) -> _StepText:
        found = cls()
        for path, leaf in _strings(result, MAX_RESULT_STRINGS):
            if not isinstance(leaf, str):
                key = number_key(leaf)
                if key is not None:
                    found.numbers.setdefault(key, result_path(path))
                continue
            for written in _NUMBER.findall(leaf):
                key = number_key(written)
                if key is not None:
                    found.numbers.setdefault(key, result_path(path))
            norm = normalize(leaf)
            if len(norm) >= MIN_EXACT:
                found.exact.setdefault(norm, result_path(path))
            if len(norm) >= MIN_CONTAINED:
                found.long.append((norm, result_path(path)))
        offset = 0
        for norm, _ in found.long:
            found.starts.append(offset)
            offset += len(norm) + len(_SEPARATOR)
        found.text = _SEPARATOR.join(norm for norm, _ in found.long)
        return found

    def find(self, norm: str) -> str | None:
        """The path of a string equal to, containing, or contained in ``norm``."""
        if norm in self.exact:
            return self.exact[norm]
        if len(norm) >= MIN_CONTAINED:
            at = self.text.find(norm)
            if at >= 0:
                return self.long[bisect.bisect_right(self.starts, at) - 1][1]
            return next((path for text, path in self.long if text in norm), None)
        return None


@dataclass
class _ResultsIndex:
    """The strings of a run's results so far, for finding which results hold a literal.

    It narrows the search to candidate results (equal strings; the literal inside the joined
    long strings; a long string's first ``MIN_CONTAINED`` characters inside the literal), then
    each candidate's own ``_StepText.find`` decides, so what is found is exactly what asking
    every result would find. Results are added as a run finishes steps, so a dispatch costs
    the literal's length and its candidates, not the number of results.
    """

    keys: list[tuple[str, Any]] = field(default_factory=list)  # (step id, result), in order
    texts: list[_StepText] = field(default_factory=list)
    exact: dict[str, list[int]] = field(default_factory=dict)  # string -> results holding it
    heads: dict[str, list[int]] = field(default_factory=dict)  # a long string's start -> results
    numbers: dict[str, list[int]] = field(default_factory=dict)  # number_key -> results
    joined: list[str] = field(default_factory=list)  # every result's long strings, in order
    starts: list[int] = field(default_factory=list)  # where each result's part starts
    length: int = 0

    def continues(self, items: list[tuple[str, Any]]) -> bool:
        """Whether ``items`` begin with exactly the results indexed (the same objects)."""
        if len(items) < len(self.keys):
            return False
        return all(
            sid == known_sid and result is known
            for (sid, result), (known_sid, known) in zip(items, self.keys, strict=False)
        )

    def add(self, step_id: str, result: Any) -> None:
        position = len(self.keys)
        text = _TEXTS.get(result, _StepText.of)
        self.keys.append((step_id, result))
        self.texts.append(text)
        for norm in text.exact:
            self.exact.setdefault(norm, []).append(position)
        for norm, _ in text.long:
            self.heads.setdefault(norm[:MIN_CONTAINED], []).append(position)
        for key in text.numbers:
            self.numbers.setdefault(key, []).append(position)
        self.starts.append(self.length)
        self.joined.append(text.text + _SEPARATOR)
        self.length += len(text.text) + len(_SEPARATOR)

    def candidates(self, norm: str) -> list[int]:
        """Positions of the results that may hold ``norm``, in order (a superset)."""
        found = set(self.exact.get(norm, ()))
        if len(norm) >= MIN_CONTAINED:
            joined = "".join(self.joined)
            self.joined = [joined]
            at = joined.find(norm)
            while at >= 0:
                found.add(bisect.bisect_right(self.starts, at) - 1)
                at = joined.find(norm, at + 1)
            for i in range(len(norm) - MIN_CONTAINED + 1):
                found.update(self.heads.get(norm[i : i + MIN_CONTAINED], ()))
        return sorted(found)


_INDEXES: dict[str, _ResultsIndex] = {}
"""The results index of each of the latest runs (by thread id), extended as results arrive."""
_INDEXES_KEPT = 256


def _index_of(key: str | None, results: Mapping[str, Any]) -> _ResultsIndex:
    items = list(results.items())
    index = _INDEXES.get(key) if key is not None else None
    if index is None or not index.continues(items):
        index = _ResultsIndex()
    for step_id, result in items[len(index.keys) :]:
        index.add(step_id, result)
    if key is not None:
        _INDEXES.pop(key, None)
        _INDEXES[key] = index
        if len(_INDEXES) > _INDEXES_KEPT:
            del _INDEXES[next(iter(_INDEXES))]
    return index


_TEXTS: IdentityMemo[_StepText] = IdentityMemo(4096)
"""Each result's strings, worked out once per result rather than at every dispatch: a tracer
lives for one dispatch, and a run of hundreds of steps dispatches hundreds of times over the
same results (remembered by the identity of the result, ``IdentityMemo``)."""


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
        sources = [self._from_step(ref.step_id, ref.path + rest) for ref in refs]
        literal = "".join(part for part in parts if isinstance(part, str)).strip()
        if literal:
            in_request = self._in_request(literal)
            sources.append(Source(kind="request" if in_request else self._author()))
        return tuple(dict.fromkeys(sources))

    def _from_step(
        self, step_id: str, path: tuple[PathSegment, ...], *, matched: bool = False
    ) -> Source:
        return Source(
            kind="step", step_id=step_id, tool=self._tools.get(step_id), path=result_path(path),
            matched=matched,
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
