"""Terms of the rule language: the values a business rule reads, looks up and computes.

A term is a frozen dataclass; ``str()`` shows it as a rule reads (``args.party_size``,
``get_reservation(reservation_id=args.reservation_id).cabin``, ``(now - args.created_at)``)::

    Arg("party_size")                         an argument of the call (dotted path)
    Const(12), Const("basic_economy")           a literal (numbers become Decimal)
    Item("symbol")                              the item a ``where`` filter looks at
    Var("cabin")                                a term the rule names in ``bind``
    Lookup("get_reservation", {"reservation_id": Arg("reservation_id")}, "cabin")
                                                a field of a record read through a read tool
                                                (``plangate.graphs.guards.rule_lookups``)
    Length(Arg("passengers")), Sum(Arg("passengers"), "bags"),
    Now(), Today(), days(180), hours(24), Arith("-", Arg("date"), Today())
                                                counting, the run's clock, durations and
                                                arithmetic (``plangate.graphs.guards.rule_measures``)

Evaluation is async (lookups call tools) and happens in an ``Evaluation``: the call's
arguments, the clock's reading, the reader that performs lookups and the lookup cache shared
by every rule of one call. A term that cannot be evaluated raises ``RuleEvaluationError``
with the reason; the rule decides what that means (by default: the call is refused).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from plangate.graphs.guards._rule_schema import ANY, Shape, descend
from plangate.graphs.guards._rule_values import as_number
from plangate.tools.errors import PlangateError, UsageError

MISSING: Any = object()
"""What ``path_get`` returns for a path that leads nowhere."""


class RuleEvaluationError(PlangateError):
    """A rule's term or check cannot be evaluated on this call (a missing field, a failed
    lookup, values that cannot meet). Rules fail closed on it unless they say otherwise.

    Attributes:
        reason: what went wrong, in words for the verdict.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason: str = reason


class MissingValueError(RuleEvaluationError):
    """An argument, an item's field or a record's field the rule reads is not there."""


class Reader(Protocol):
    """Performs the lookups of rules: calls a read tool and returns its result as JSON data."""

    async def read(self, tool: str, args: Mapping[str, Any]) -> Any:
        """The JSON result of ``tool`` called with ``args``; raises on any failure."""
        ...


class Predicate(Protocol):
    """What a ``where`` filter needs of a check (see ``plangate.graphs.guards.rule_checks``)."""

    async def holds(self, ev: Evaluation) -> bool:
        """Whether the check holds."""
        ...

    def validate(self, scope: Scope) -> None:
        """Raise ``UsageError`` when the check cannot make sense in ``scope``."""
        ...


@dataclass
class Evaluation:
    """Where terms are evaluated: one rule on one call.

    Attributes:
        args: the call's resolved arguments.
        now: the run's clock reading (timezone-aware).
        reader: performs lookups; ``None`` makes every lookup fail (closed).
        bound: the rule's named terms (``Var``).
        lookups: results by (tool, args), shared by the rules of one call.
        seen: the value of each term evaluated, by its text, for the verdict's details.
        items: the items being counted or summed, innermost last.
    """

    args: Mapping[str, Any]
    now: datetime
    reader: Reader | None = None
    bound: Mapping[str, Term] = field(default_factory=dict)
    lookups: dict[str, Any] = field(default_factory=dict)
    seen: dict[str, Any] = field(default_factory=dict)
    items: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class Scope:
    """What validation knows about the call a rule applies to.

    Attributes:
        what: names the rule in messages (``"rules.yaml: rule 'party_size'"``).
        args: the shape of the tool's arguments.
        tools: the toolset lookups are checked against (name, effect, result schema); ``None``
            checks only the rule's own structure.
        bound: the rule's named terms.
        item: the shape of the items inside a ``where`` filter.
        naming: the bound names being validated, innermost last (to refuse a name that
            stands for itself).
    """

    what: str
    args: Shape = ANY
    tools: Any = None
    bound: Mapping[str, Term] = field(default_factory=dict)
    item: Shape | None = None
    naming: tuple[str, ...] = ()


def path_get(node: Any, path: str) -> Any:
    """The value at dotted ``path`` in JSON data (digits index lists), or a sentinel."""
    for part in path.split(".") if path else ():
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, Sequence) and not isinstance(node, str) and part.isdigit():
            node = node[int(part)] if int(part) < len(node) else MISSING
        else:
            return MISSING
    return node


def plain(number: Decimal) -> Decimal:
    """``number`` without trailing zeros or an exponent: ``1.10`` is ``1.1``, ``1E+2`` is ``100``.

    Literals are kept so, so a rule reads (and writes to YAML) the same however it was spelled.
    """
    reduced = number.normalize()
    return reduced.quantize(Decimal(1)) if reduced == reduced.to_integral_value() else reduced


def check_path(path: str, owner: str) -> None:
    """Raise ``UsageError`` unless ``path`` is dotted (``price.amount``) or empty."""
    if not isinstance(path, str) or (path and any(not part for part in path.split("."))):
        raise UsageError(f"{owner} path {path!r} is not a dotted path like 'price.amount'")


class Term:
    """Base of the terms: ``evaluate`` evaluates (and records what it saw), ``shape`` validates."""

    recorded = True

    async def evaluate(self, ev: Evaluation) -> Any:
        """The term's value on ``ev``; raises ``RuleEvaluationError`` when there is none."""
        found = await self.compute(ev)
        if self.recorded:
            ev.seen.setdefault(str(self), found)
        return found

    async def compute(self, ev: Evaluation) -> Any:
        """The value itself (subclasses)."""
        raise NotImplementedError

    def shape(self, scope: Scope) -> Shape:
        """What the term holds; raises ``UsageError`` when it cannot make sense in ``scope``."""
        return ANY


@dataclass(frozen=True)
class Const(Term):
    """A literal: text, a number (kept as ``Decimal``), true, false or null."""

    value: Any
    recorded = False

    def __post_init__(self) -> None:
        if not (self.value is None or isinstance(self.value, str | bool)):
            number = as_number(self.value)
            if number is None or isinstance(self.value, str):
                raise UsageError(
                    f"a constant is text, a number, true, false or null, got {self.value!r}"
                )
            object.__setattr__(self, "value", plain(number))

    async def compute(self, ev: Evaluation) -> Any:
        return self.value

    def shape(self, scope: Scope) -> Shape:
        kinds = {str: "text", bool: "bool", Decimal: "number", type(None): "null"}
        return Shape(kinds[type(self.value)])  # type: ignore[arg-type]  # the four kinds above

    def __str__(self) -> str:
        return json.dumps(self.value) if not isinstance(self.value, Decimal) else str(self.value)


@dataclass(frozen=True)
class Arg(Term):
    """An argument of the call, by dotted path (``price.amount``, ``passengers.0.bags``)."""

    path: str

    def __post_init__(self) -> None:
        check_path(self.path, "field")
        if not self.path:
            raise UsageError("a field needs a path")

    async def compute(self, ev: Evaluation) -> Any:
        found = path_get(ev.args, self.path)
        if found is MISSING:
            raise MissingValueError(f"argument {self.path!r} is missing")
        return found

    def shape(self, scope: Scope) -> Shape:
        return descend(scope.args, self.path, what=f"{scope.what}: argument {self.path!r}")

    def __str__(self) -> str:
        return f"args.{self.path}"


@dataclass(frozen=True)
class Item(Term):
    """A field of the item a ``where`` filter is looking at (empty path: the item itself)."""

    path: str = ""
    recorded = False

    def __post_init__(self) -> None:
        check_path(self.path, "item")

    async def compute(self, ev: Evaluation) -> Any:
        if not ev.items:
            raise RuleEvaluationError(f"{self} is used outside a where filter")
        found = path_get(ev.items[-1], self.path)
        if found is MISSING:
            raise MissingValueError(f"an item has no field {self.path!r}")
        return found

    def shape(self, scope: Scope) -> Shape:
        if scope.item is None:
            raise UsageError(f"{scope.what}: {self} is only meaningful inside a where filter")
        return descend(scope.item, self.path, what=f"{scope.what}: {self}")

    def __str__(self) -> str:
        return f"item.{self.path}" if self.path else "item"


@dataclass(frozen=True)
class Var(Term):
    """A term the rule names in ``bind``: evaluated once per rule, shown in its message."""

    name: str
    recorded = False

    async def compute(self, ev: Evaluation) -> Any:
        if self.name in ev.seen:
            return ev.seen[self.name]
        if self.name not in ev.bound:
            raise RuleEvaluationError(f"no term is bound to {self.name!r}")
        found = await ev.bound[self.name].evaluate(ev)
        ev.seen[self.name] = found
        return found

    def shape(self, scope: Scope) -> Shape:
        term = scope.bound.get(self.name)
        if term is None:
            known = ", ".join(sorted(scope.bound)) or "none"
            raise UsageError(f"{scope.what}: no term is bound to {self.name!r} (bound: {known})")
        if isinstance(term, Var):
            raise UsageError(f"{scope.what}: bound term {self.name!r} is just another name")
        if self.name in scope.naming:
            cycle = " -> ".join((*scope.naming, self.name))
            raise UsageError(f"{scope.what}: bound term {self.name!r} uses itself ({cycle})")
        return term.shape(replace(scope, naming=(*scope.naming, self.name)))

    def __str__(self) -> str:
        return self.name
