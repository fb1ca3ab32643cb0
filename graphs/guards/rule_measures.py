"""Counting, measuring and computing: ``len``, ``sum``, the run's clock, durations, arithmetic.

Real rules measure: "at most 5 passengers" (``Length(Arg("passengers"))``), "at most 3 free
bags in all" (``Sum(Arg("passengers"), "bags")``), "cancellation only within 24 h of booking"
(``Arith("+", Lookup(...created_at...), hours(24))`` compared with ``Now()``), "no more than 180
days ahead" (``Arith("-", Arg("date"), Today())`` against ``days(180)``). ``where`` keeps the
items a check holds for, with ``Item`` naming the item: ``Sum(positions, "qty",
where=Compare(Item("symbol"), "==", Arg("symbol")))``.

``Now`` and ``Today`` read the run's clock (UTC), never the machine's: the guardrail takes the
clock once per call (``plangate.graphs.guards.business_rules``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal
from typing import Any, Literal

from plangate.graphs.guards._rule_schema import ANY, Shape, descend, item_shape
from plangate.graphs.guards._rule_values import as_number, calculate, describe
from plangate.graphs.guards.rule_terms import (
    Evaluation,
    Predicate,
    RuleEvaluationError,
    Scope,
    Term,
    check_path,
    path_get,
    plain,
)
from plangate.tools.errors import UsageError

_UNITS = {"days": 86_400, "hours": 3_600, "minutes": 60}
ARITHMETIC = ("+", "-", "*", "/")


async def _items(term: Term, ev: Evaluation, where: Predicate | None, owner: str) -> list[Any]:
    found = await term.evaluate(ev)
    if not isinstance(found, list | tuple):
        raise RuleEvaluationError(f"{owner} needs a list, {term} is {describe(found)}")
    if where is None:
        return list(found)
    kept = []
    for item in found:
        ev.items.append(item)
        try:
            if await where.holds(ev):
                kept.append(item)
        finally:
            ev.items.pop()
    return kept


def _list_shape(term: Term, where: Predicate | None, scope: Scope, owner: str) -> Shape:
    shape = term.shape(scope)
    if shape.kind not in ("list", "any", "text" if owner == "len" and where is None else "list"):
        raise UsageError(f"{scope.what}: {owner}({term}) needs a list, {term} is a {shape.kind}")
    if where is not None:
        where.validate(replace(scope, item=item_shape(shape)))
    return shape


@dataclass(frozen=True)
class Length(Term):
    """How many items a list holds (those ``where`` holds for, if given), or a text's length."""

    of: Term
    where: Predicate | None = None

    async def compute(self, ev: Evaluation) -> Any:
        if self.where is None and isinstance(found := await self.of.evaluate(ev), str | Mapping):
            return Decimal(len(found))
        return Decimal(len(await _items(self.of, ev, self.where, "len")))

    def shape(self, scope: Scope) -> Shape:
        _list_shape(self.of, self.where, scope, "len")
        return Shape("number")

    def __str__(self) -> str:
        return f"len({self.of}" + (f" where {self.where})" if self.where else ")")


@dataclass(frozen=True)
class Sum(Term):
    """The sum of ``path`` over the items of a list (the items themselves when no path)."""

    of: Term
    path: str = ""
    where: Predicate | None = None

    def __post_init__(self) -> None:
        check_path(self.path, "sum")

    async def compute(self, ev: Evaluation) -> Any:
        total = Decimal(0)
        for item in await _items(self.of, ev, self.where, "sum"):
            number = as_number(path_get(item, self.path))
            if number is None:
                raise RuleEvaluationError(
                    f"sum over {self.of}: an item's {self.path or 'value'} is not a number"
                )
            total += number
        return total

    def shape(self, scope: Scope) -> Shape:
        shape = _list_shape(self.of, self.where, scope, "sum")
        found = descend(item_shape(shape), self.path, what=f"{scope.what}: sum over {self.of}")
        if found.kind not in ("number", "text", "any"):
            raise UsageError(f"{scope.what}: {self} adds up a {found.kind}, not numbers")
        return Shape("number")

    def __str__(self) -> str:
        over = f"{self.of}[].{self.path}" if self.path else f"{self.of}"
        return f"sum({over}" + (f" where {self.where})" if self.where else ")")


@dataclass(frozen=True)
class Now(Term):
    """The run's clock: the current datetime (UTC)."""

    async def compute(self, ev: Evaluation) -> Any:
        return ev.now

    def shape(self, scope: Scope) -> Shape:
        return Shape("moment")

    def __str__(self) -> str:
        return "now"


@dataclass(frozen=True)
class Today(Term):
    """The run's clock: today's date (UTC)."""

    async def compute(self, ev: Evaluation) -> Any:
        return ev.now.date()

    def shape(self, scope: Scope) -> Shape:
        return Shape("moment")

    def __str__(self) -> str:
        return "today"


@dataclass(frozen=True)
class Duration(Term):
    """A span of time: ``amount`` days, hours or minutes."""

    amount: Decimal | int
    unit: Literal["days", "hours", "minutes"] = "days"
    recorded = False

    def __post_init__(self) -> None:
        number = as_number(self.amount)
        if number is None or isinstance(self.amount, str) or self.unit not in _UNITS:
            raise UsageError(
                f"a duration is a number of {', '.join(_UNITS)}, got {self.amount!r} {self.unit!r}"
            )
        object.__setattr__(self, "amount", plain(number))

    async def compute(self, ev: Evaluation) -> Any:
        return timedelta(seconds=float(Decimal(self.amount) * _UNITS[self.unit]))

    def shape(self, scope: Scope) -> Shape:
        return Shape("duration")

    def __str__(self) -> str:
        return f"{self.amount} {self.unit}"


def days(amount: Decimal | int) -> Duration:
    """``amount`` days."""
    return Duration(amount, "days")


def hours(amount: Decimal | int) -> Duration:
    """``amount`` hours."""
    return Duration(amount, "hours")


@dataclass(frozen=True)
class Arith(Term):
    """``left op right``, ``op`` in ``+ - * /`` (see ``_rule_values.calculate``)."""

    op: str
    left: Term
    right: Term

    def __post_init__(self) -> None:
        if self.op not in ARITHMETIC:
            raise UsageError(f"unknown arithmetic {self.op!r}; use one of {' '.join(ARITHMETIC)}")

    async def compute(self, ev: Evaluation) -> Any:
        left, right = await self.left.evaluate(ev), await self.right.evaluate(ev)
        try:
            return calculate(self.op, left, right)
        except ValueError as exc:
            raise RuleEvaluationError(f"{self}: {exc}") from exc

    def shape(self, scope: Scope) -> Shape:
        kinds = (self.left.shape(scope).kind, self.right.shape(scope).kind)
        if "any" in kinds:
            return ANY
        if set(kinds) <= {"number", "text"}:
            return Shape("number")
        temporal = {
            ("moment", "+", "duration"): "moment", ("moment", "-", "duration"): "moment",
            ("duration", "+", "moment"): "moment", ("moment", "-", "moment"): "duration",
            ("text", "+", "duration"): "moment", ("text", "-", "duration"): "moment",
            ("moment", "-", "text"): "duration", ("text", "-", "moment"): "duration",
            ("duration", "+", "duration"): "duration", ("duration", "-", "duration"): "duration",
            ("duration", "*", "number"): "duration", ("number", "*", "duration"): "duration",
            ("duration", "/", "number"): "duration",
        }  # fmt: skip
        kind = temporal.get((kinds[0], self.op, kinds[1]))
        if kind is None:
            raise UsageError(
                f"{scope.what}: {self} computes {kinds[0]} {self.op} {kinds[1]}, which means nothing"
            )
        return Shape(kind)  # type: ignore[arg-type]  # the table holds kinds only

    def __str__(self) -> str:
        return f"({self.left} {self.op} {self.right})"
