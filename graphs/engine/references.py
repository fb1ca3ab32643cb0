"""References from a step's arguments to the results of earlier steps.

A string argument may hold ``${path}`` references, where a path starts at a step's *result JSON*:

    path := step_id ( "." field | "[" index "]" )*

``${s1.price.amount}`` reads a field, ``${s2[0].id}`` an item of a list result. Two forms:

- **exact** — the string is one reference and nothing else (``"${s1.offers[0].id}"``): it is
  replaced by the referenced value with its JSON type (a number stays a number, a list a list);
- **interpolated** — the reference sits among other text (``"Table for ${s1.party}"``): each
  reference is replaced by its text (strings as they are, anything else as compact JSON).

``$${`` writes a literal ``${`` and is never a reference. The string is read left to right, so
``$$${s1}`` is ``$`` followed by the literal text ``${s1}``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from plangate.tools.errors import PlangateError

STEP_ID_PATTERN = r"[a-z][a-z0-9_]{0,31}"
"""What a step id looks like; shared with ``plangate.graphs.engine.plan.Step.id``."""

_STEP_RE = re.compile(STEP_ID_PATTERN)
_SEGMENT_RE = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]{1,9})\]")
_ESCAPE = "$${"
_OPEN = "${"

PathSegment = str | int
"""A field name (``str``) or a list index (``int``)."""


class ReferenceResolutionError(PlangateError):
    """A ``${...}`` reference is malformed or points at nothing.

    Attributes:
        reference: the reference as written, e.g. ``"${s1.offers[3].id}"``.
        reason: what is wrong, e.g. ``"s1.offers has 2 items"``.
    """

    model_visible = True

    def __init__(self, reference: str, reason: str) -> None:
        super().__init__(f"{reference}: {reason}")
        self.reference: str = reference
        self.reason: str = reason


@dataclass(frozen=True)
class Reference:
    """One parsed reference.

    Attributes:
        step_id: the step whose result is the root of the path.
        path: field names and list indexes below that result, outermost first.
        raw: the reference as written, including ``${`` and ``}``.
    """

    step_id: str
    path: tuple[PathSegment, ...] = ()
    raw: str = ""

    def __str__(self) -> str:
        return self.raw or f"${{{format_path(self.step_id, self.path)}}}"


def format_path(step_id: str, path: tuple[PathSegment, ...] = ()) -> str:
    """The canonical text of a path, without ``${}``: ``format_path("s1", ("a", 0)) == "s1.a[0]"``."""
    return step_id + "".join(f"[{seg}]" if isinstance(seg, int) else f".{seg}" for seg in path)


def parse_reference(text: str) -> Reference:
    """Parse the inside of ``${...}`` (``"s1.offers[0].id"``) into a ``Reference``.

    Raises:
        ReferenceResolutionError: the text does not follow the path grammar.
    """
    raw = f"${{{text}}}"
    step = _STEP_RE.match(text)
    if step is None:
        raise ReferenceResolutionError(
            raw, "a reference starts with a step id (lowercase letter, then a-z, 0-9 or _)"
        )
    path: list[PathSegment] = []
    pos = step.end()
    while pos < len(text):
        seg = _SEGMENT_RE.match(text, pos)
        if seg is None:
            raise ReferenceResolutionError(
                raw,
                f"unexpected {text[pos:]!r} at character {pos + 1}; after {text[:pos]!r} "
                "write .field or [index]",
            )
        path.append(seg.group(1) if seg.group(1) is not None else int(seg.group(2)))
        pos = seg.end()
    return Reference(step.group(), tuple(path), raw)


def parse_template(text: str) -> list[str | Reference]:
    """Split a string into literal text and references (escapes already unescaped).

    Raises:
        ReferenceResolutionError: a ``${`` is never closed or encloses a malformed path.
    """
    parts: list[str | Reference] = []
    literal: list[str] = []
    pos = 0
    while pos < len(text):
        if text.startswith(_ESCAPE, pos):
            literal.append(_OPEN)
            pos += len(_ESCAPE)
        elif text.startswith(_OPEN, pos):
            end = text.find("}", pos)
            if end < 0:
                raise ReferenceResolutionError(
                    text[pos:], "'${' is never closed by '}'; write $${ for a literal ${"
                )
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(parse_reference(text[pos + len(_OPEN) : end]))
            pos = end + 1
        else:
            literal.append(text[pos])
            pos += 1
    if literal:
        parts.append("".join(literal))
    return parts


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def find_references(value: Any) -> list[Reference]:
    """Every reference in ``value``, walking nested dicts and lists, in order of appearance.

    Raises:
        ReferenceResolutionError: a string holds a malformed reference.
    """
    return [
        part
        for text in _strings(value)
        for part in parse_template(text)
        if isinstance(part, Reference)
    ]


def _kind(node: Any) -> str:
    if isinstance(node, Mapping):
        return "an object"
    if isinstance(node, list | tuple):
        return "a list"
    if node is None:
        return "null"
    if isinstance(node, bool):
        return "a boolean"
    if isinstance(node, str):
        return "a string"
    return "a number" if isinstance(node, int | float | Decimal) else type(node).__name__


def lookup(reference: Reference, results: Mapping[str, Any]) -> Any:
    """The value ``reference`` points at inside ``results`` (step id → result JSON).

    Raises:
        ReferenceResolutionError: naming the first part of the path that does not exist.
    """
    if reference.step_id not in results:
        have = ", ".join(sorted(results)) or "none yet"
        raise ReferenceResolutionError(
            str(reference), f"no result for step {reference.step_id} (results exist for: {have})"
        )
    node = results[reference.step_id]
    for depth, seg in enumerate(reference.path):
        where = format_path(reference.step_id, reference.path[:depth])
        if isinstance(seg, int):
            if not isinstance(node, list | tuple):
                raise ReferenceResolutionError(
                    str(reference), f"{where} is {_kind(node)}, not a list"
                )
            if seg >= len(node):
                raise ReferenceResolutionError(str(reference), f"{where} has {len(node)} items")
            node = node[seg]
        else:
            if not isinstance(node, Mapping):
                raise ReferenceResolutionError(
                    str(reference), f"{where} is {_kind(node)}, not an object"
                )
            if seg not in node:
                fields = ", ".join(sorted(str(key) for key in node)) or "none"
                raise ReferenceResolutionError(
                    str(reference), f"{where} has no field {seg!r} (fields: {fields})"
                )
            node = node[seg]
    return node


def _as_text(value: Any) -> str:
    if isinstance(value, str | Decimal):
        return str(value)
    # default=str covers Decimals and dates in results that were not dumped to JSON first.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


def _resolve_text(text: str, results: Mapping[str, Any]) -> Any:
    if "$" not in text:
        return text
    parts = parse_template(text)
    if len(parts) == 1 and isinstance(parts[0], Reference):
        return lookup(parts[0], results)
    return "".join(
        _as_text(lookup(part, results)) if isinstance(part, Reference) else part for part in parts
    )


def resolve(value: Any, results: Mapping[str, Any]) -> Any:
    """A copy of ``value`` with every reference replaced by what it points at.

    Args:
        value: arguments as the plan wrote them (nested dicts, lists, strings, scalars).
        results: result JSON of finished steps, by step id.

    Raises:
        ReferenceResolutionError: a reference is malformed or points at nothing.
    """
    if isinstance(value, str):
        return _resolve_text(value, results)
    if isinstance(value, Mapping):
        return {key: resolve(item, results) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [resolve(item, results) for item in value]
    return value
