"""The strings and numbers of a run's results, indexed to find which results hold a literal.

``ProvenanceTracer`` (``plangate.graphs.engine.provenance``) asks it where a value a model chose
after reading results came from. Each result's strings are worked out once (``_StepText``,
remembered by the result's identity), and each run keeps an index of its results so far
(``_ResultsIndex``), extended as steps finish: a lookup costs the literal's length and its
candidates, not the number of results.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from plangate.graphs.engine.identity_memo import IdentityMemo
from plangate.graphs.engine.references import PathSegment, format_path

MAX_DEPTH = 24
MAX_RESULT_STRINGS = 5000
MIN_EXACT = 2
MIN_CONTAINED = 8
_ZERO_WIDTH = re.compile(r"[\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]")
_SPACES = re.compile(r"\s+")
_SEPARATOR = "\x00"
_NUMBER = re.compile(r"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w]|[.,]\d)")


def normalize(text: str) -> str:
    """``text`` for matching: NFKC, zero-width characters removed, case-folded, spaces collapsed."""
    text = _ZERO_WIDTH.sub("", unicodedata.normalize("NFKC", text))
    return _SPACES.sub(" ", text.casefold()).strip()


def result_path(path: tuple[PathSegment, ...]) -> str:
    """A path inside a result as shown to a person: ``[0].id``, ``price.amount``."""
    return format_path("", path).removeprefix(".")


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
