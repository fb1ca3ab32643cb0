"""Evaluating ``${...}`` expressions against step results, tracking where values came from.

Numbers are computed as ``Decimal`` (numbers and strings spelling one, as JSON carries prices);
a computed number comes out as an ``int`` when whole, else a ``float``. Every failure is a
``ReferenceResolutionError`` naming the expression and what went wrong, for the model to read.

While evaluating, ``_Run`` notes each place in a result that a value was read from (``reads``)
and whether the value is exactly such a place (``_Val.where``), so provenance can name the
result (and the item a filter picked) a computed argument came from.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from datetime import time as time_of_day
from decimal import (
    ROUND_CEILING,
    ROUND_FLOOR,
    ROUND_HALF_UP,
    Decimal,
    DecimalException,
    localcontext,
)
from typing import Any

from plangate.graphs.engine._expression_syntax import (
    Binary,
    Call,
    Const,
    Field,
    Filter,
    Index,
    Item,
    Member,
    Node,
    Path,
    Root,
    Unary,
    format_node,
)
from plangate.graphs.engine._values import compare, describe, number
from plangate.graphs.engine.paths import (
    PathSegment,
    Reference,
    ReferenceResolutionError,
    child,
    kind_of,
    step_result,
)

_ARITHMETIC = frozenset({"+", "-", "*", "/"})
_HAS_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d")


class _EvaluationError(Exception):
    """A reason an evaluation failed (made a ``ReferenceResolutionError`` at the top)."""


class _MissingFieldError(_EvaluationError):
    """A filter's item lacks a field: the item does not match."""

    def __init__(self, field: str, fields: str) -> None:
        super().__init__(f"no field {field!r}")
        self.field, self.fields = field, fields


@dataclass(frozen=True)
class _Shown:
    """The text of a path's first ``depth`` segments, for messages; worked out only for one."""

    path: Path
    depth: int

    def __str__(self) -> str:
        return format_node(Path(self.path.base, self.path.segments[: self.depth]))


@dataclass(frozen=True)
class _Val:
    """A value; ``where`` is its place in a result when it is one. A filtered list keeps the
    place of the list it came from (``base``), the indexes it kept (``picks``) and, for
    messages, the text of that list and of the test (``filtered``)."""

    value: Any
    where: Reference | None = None
    base: Reference | None = None
    picks: tuple[int, ...] = ()
    filtered: tuple[_Shown, Node] | None = None
    hint: str = ""


class _Run:
    def __init__(self, raw: str, results: Mapping[str, Any]) -> None:
        self.raw = raw
        self.results = results
        self.reads: list[Reference] = []
        self.filters = 0

    def value(self, node: Node, item: _Val | None = None) -> _Val:
        if isinstance(node, Const):
            return _Val(node.value)
        if isinstance(node, Path):
            return self.path(node, item)
        if isinstance(node, Root | Item):  # only ever the base of a Path
            return self.path(Path(node), item)
        if isinstance(node, Unary):
            if node.op == "not":
                return _Val(not self.truth(node.operand, item, "not"))
            return _Val(-self.number(node.operand, item, "-"))
        if isinstance(node, Binary):
            return self.binary(node, item)
        if isinstance(node, Member):
            left = self.value(node.operand, item).value
            found = any(self.compare("==", left, self.value(i, item).value) for i in node.items)
            return _Val(found != node.negated)
        return self.call(node, item)

    def path(self, node: Path, item: _Val | None) -> _Val:
        if isinstance(node.base, Root):
            ref = Reference(node.base.step_id)
            current = _Val(step_result(self.raw, node.base.step_id, self.results), where=ref)
        elif isinstance(node.base, Item):
            current = item if item is not None else _Val(None)
        else:
            current = self.value(node.base, item)
        for depth, seg in enumerate(node.segments):
            shown = _Shown(node, depth)
            current = self.segment(current, seg, shown, inside=isinstance(node.base, Item))
        if self.filters == 0 and isinstance(node.base, Root):
            place = current.where or current.base
            if place is not None:
                self.reads.append(place)
        return current

    def segment(
        self, current: _Val, seg: Field | Index | Filter, shown: _Shown, inside: bool
    ) -> _Val:
        if isinstance(seg, Filter):
            return self.filter(current, seg, shown)
        key: PathSegment = seg.name if isinstance(seg, Field) else seg.index
        fields = current.value
        if (
            inside
            and isinstance(seg, Field)
            and isinstance(fields, Mapping)
            and seg.name not in fields
        ):
            raise _MissingFieldError(seg.name, ", ".join(sorted(map(str, current.value))) or "none")
        if current.filtered is not None and isinstance(seg, Index):
            listed, test = current.filtered[0], format_node(current.filtered[1])
            count = len(current.value)
            if not count:
                raise _EvaluationError(f"no item of {listed} has {test}{current.hint}")
            if not -count <= seg.index < count:
                have = f"{count} items of {listed} have" if count > 1 else f"1 item of {listed} has"
                raise _EvaluationError(f"only {have} {test}; [{seg.index}] is out of range")
        try:
            value = child(self.raw, current.value, key, str(shown))
        except ReferenceResolutionError as exc:
            raise _EvaluationError(exc.reason) from None
        where = None
        if isinstance(key, int) and key < 0:
            key += len(current.value)  # where it is, counted from the start
        if current.where is not None:
            where = Reference(current.where.step_id, (*current.where.path, key))
        elif current.base is not None and isinstance(key, int):
            index = current.picks[key]
            where = Reference(current.base.step_id, (*current.base.path, index))
        return _Val(value, where=where)

    def filter(self, current: _Val, seg: Filter, shown: _Shown) -> _Val:
        items = current.value
        if not isinstance(items, list | tuple):
            raise _EvaluationError(f"{shown} is {kind_of(items)}, not a list to filter")
        kept: list[int] = []
        missing: _MissingFieldError | None = None
        self.filters += 1
        try:
            for index, element in enumerate(items):
                try:
                    if self.truth(seg.predicate, _Val(element), "a filter"):
                        kept.append(index)
                except _MissingFieldError as exc:
                    missing = missing or exc
        finally:
            self.filters -= 1
        hint = ""
        if not kept and missing is not None:  # said if the empty list is indexed
            hint = f"; items have no field {missing.field!r} (fields: {missing.fields})"

        picks = tuple(current.picks[i] for i in kept) if current.filtered else tuple(kept)
        return _Val(
            [items[i] for i in kept], base=current.where or current.base, picks=picks,
            filtered=(shown, seg.predicate), hint=hint,
        )  # fmt: skip

    def truth(self, node: Node, item: _Val | None, what: str) -> bool:
        value = self.value(node, item).value
        if not isinstance(value, bool):
            raise _EvaluationError(
                f"{what} needs true or false, but {format_node(node)} is {describe(value)}"
            )
        return value

    def number(self, node: Node, item: _Val | None, what: str) -> Decimal:
        value = self.value(node, item).value
        found = number(value)
        if found is None:
            raise _EvaluationError(
                f"{what} needs a number, but {format_node(node)} is {describe(value)}"
            )
        return found

    def compare(self, op: str, left: Any, right: Any) -> bool:
        try:
            return compare(op, left, right)
        except ValueError as exc:
            raise _EvaluationError(str(exc)) from None

    def binary(self, node: Binary, item: _Val | None) -> _Val:
        if node.op in ("and", "or"):
            left = self.truth(node.left, item, node.op)
            if left == (node.op == "or"):
                return _Val(left)
            return _Val(self.truth(node.right, item, node.op))
        if node.op not in _ARITHMETIC:
            left_value = self.value(node.left, item).value
            return _Val(self.compare(node.op, left_value, self.value(node.right, item).value))
        left_number = self.number(node.left, item, node.op)
        right_number = self.number(node.right, item, node.op)
        if node.op == "/" and right_number == 0:
            zero = "" if isinstance(node.right, Const) else f": {format_node(node.right)} is 0"
            raise _EvaluationError(f"division by zero{zero}")
        if node.op == "+":
            return _Val(left_number + right_number)
        if node.op == "-":
            return _Val(left_number - right_number)
        return _Val(left_number * right_number if node.op == "*" else left_number / right_number)

    def call(self, node: Call, item: _Val | None) -> _Val:
        name = f"{node.name}()"
        if node.name in ("min", "max"):
            values = [self.value(arg, item).value for arg in node.args]
            if len(values) == 1 and isinstance(values[0], list | tuple):
                values = list(values[0])
            if not values:
                raise _EvaluationError(f"{name} of an empty list")
            numbers = [number(value) for value in values]
            if any(found is None for found in numbers):
                bad = next(v for v, found in zip(values, numbers, strict=True) if found is None)
                raise _EvaluationError(f"{name} needs numbers, not {describe(bad)}")
            picked = [found for found in numbers if found is not None]
            return _Val(min(picked) if node.name == "min" else max(picked))
        if node.name == "len":
            value = self.value(node.args[0], item).value
            if not isinstance(value, list | tuple | str | Mapping):
                raise _EvaluationError(
                    f"len() needs a list, text or an object, not {describe(value)}"
                )
            return _Val(len(value))
        if node.name in ("date", "time"):
            return _Val(_date_part(node.name, self.value(node.args[0], item).value))
        value = self.number(node.args[0], item, name)
        if node.name == "abs":
            return _Val(abs(value))
        if node.name == "round":
            digits = self.number(node.args[1], item, name) if len(node.args) > 1 else Decimal(0)
            if digits != digits.to_integral_value() or not 0 <= digits <= 10:
                raise _EvaluationError(
                    f"round()'s digits must be a whole number from 0 to 10, not {digits}"
                )
            exponent = Decimal(1).scaleb(-int(digits))
            return _Val(value.quantize(exponent, rounding=ROUND_HALF_UP))
        rounding = ROUND_FLOOR if node.name == "floor" else ROUND_CEILING
        return _Val(value.to_integral_value(rounding=rounding))


def _date_part(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise _EvaluationError(
            f"{name}() needs an ISO date and time as text, not {describe(value)}"
        )
    try:
        if name == "time" and not _HAS_TIME.match(value.strip()):
            moment = time_of_day.fromisoformat(value.strip())
            return moment.strftime("%H:%M")
        stamp = datetime.fromisoformat(value.strip())
    except ValueError:
        example = "'2026-03-02T19:30:00+01:00'"
        raise _EvaluationError(
            f"{name}() needs an ISO date and time like {example}, not {value!r}"
        ) from None
    return stamp.date().isoformat() if name == "date" else stamp.strftime("%H:%M")


def to_json(value: Any) -> Any:
    """A computed value as JSON data: a whole ``Decimal`` as ``int``, another as ``float``."""
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        return float(value)
    return value


@dataclass(frozen=True)
class Traced:
    """An expression's value and where it came from.

    Attributes:
        value: the value, as JSON data.
        where: the place in a result the value is, when it is one (no computation).
        reads: every place a value was read from, in order, each once.
    """

    value: Any
    where: Reference | None
    reads: tuple[Reference, ...]


def evaluate(tree: Node, raw: str, results: Mapping[str, Any]) -> Traced:
    """Evaluate ``tree`` (written ``raw``) against ``results`` (result JSON by step id).

    Raises:
        ReferenceResolutionError: a missing result or field, a filter that matches nothing
            before an index, a non-number in arithmetic, division by zero, a bad date...
    """
    run = _Run(raw, results)
    try:
        with localcontext() as context:
            context.prec = 28
            found = run.value(tree)
            value = found.value if found.where is not None else to_json(found.value)
    except ReferenceResolutionError:
        raise
    except _EvaluationError as exc:
        raise ReferenceResolutionError(raw, str(exc)) from None
    except (DecimalException, OverflowError, ValueError) as exc:
        raise ReferenceResolutionError(raw, f"the numbers are out of range ({exc})") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise ReferenceResolutionError(raw, "the result is too large a number")
    return Traced(value, found.where, tuple(dict.fromkeys(run.reads)))
