"""Paths into step results: ``s1.offers[0].id``, the core of ``${...}`` references.

A path starts at a step's *result JSON* and continues with ``.field`` or ``[index]``::

    path := step_id ( "." field | "[" index "]" )*

``plangate.graphs.engine.references`` reads paths inside strings and re-exports this module's
names; ``plangate.graphs.engine.expressions`` builds on them (filters, arithmetic, functions).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from plangate.tools.errors import PlangateError

STEP_ID_PATTERN = r"[a-z][a-z0-9_]{0,31}"
"""What a step id looks like; shared with ``plangate.graphs.engine.plan.Step.id``."""

_STEP_RE = re.compile(STEP_ID_PATTERN)
_SEGMENT_RE = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]{1,9})\]")

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
    """One parsed ``${...}``: a plain path into a step's result.

    An ``Expression`` (``plangate.graphs.engine.expressions``) is a ``Reference`` too, so
    whatever reads references (``lookup``, conditions, answers) reads expressions alike; its
    ``step_id`` and ``path`` are those of the first result it reads.

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

    def evaluate(self, results: Mapping[str, Any]) -> Any:
        """The value it reads in ``results`` (step id → result JSON).

        Raises:
            ReferenceResolutionError: naming the first part of the path that does not exist.
        """
        raw = str(self)
        node = step_result(raw, self.step_id, results)
        for depth, seg in enumerate(self.path):
            node = child(raw, node, seg, format_path(self.step_id, self.path[:depth]))
        return node


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


def kind_of(node: Any) -> str:
    """What a JSON value is, in words: ``a list``, ``an object``, ``null``, ``a number``..."""
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


def step_result(raw: str, step_id: str, results: Mapping[str, Any]) -> Any:
    """The result of ``step_id``.

    Raises:
        ReferenceResolutionError: the step has no result (yet).
    """
    if step_id not in results:
        have = ", ".join(sorted(results)) or "none yet"
        raise ReferenceResolutionError(
            raw, f"no result for step {step_id} (results exist for: {have})"
        )
    return results[step_id]


def child(raw: str, node: Any, seg: PathSegment, where: str) -> Any:
    """``node[seg]``, where ``node`` is the value at ``where`` (a path's text, for messages).

    Raises:
        ReferenceResolutionError: ``node`` has no such field or item.
    """
    if isinstance(seg, int):
        if not isinstance(node, list | tuple):
            raise ReferenceResolutionError(raw, f"{where} is {kind_of(node)}, not a list")
        if not -len(node) <= seg < len(node):
            raise ReferenceResolutionError(raw, f"{where} has {len(node)} items")
        return node[seg]
    if not isinstance(node, Mapping):
        raise ReferenceResolutionError(raw, f"{where} is {kind_of(node)}, not an object")
    if seg not in node:
        fields = ", ".join(sorted(str(key) for key in node)) or "none"
        raise ReferenceResolutionError(raw, f"{where} has no field {seg!r} (fields: {fields})")
    return node[seg]


def lookup(reference: Reference, results: Mapping[str, Any]) -> Any:
    """The value ``reference`` points at inside ``results`` (step id → result JSON).

    Raises:
        ReferenceResolutionError: naming the first part of the path that does not exist, or
            what keeps an expression from being evaluated.
    """
    return reference.evaluate(results)
