"""Checks of the rule language: predicates over terms, and all / any / not.

::

    Compare(Arg("party_size"), "<=", Const(12))        < <= > >= == != (see _rule_values)
    Matches(Arg("iban"), r"[A-Z]{2}[0-9]{2}[A-Z0-9]+")   the whole text matches a pattern
    StartsWith(Arg("payment_id"), ("credit_card_",))     the text starts with one of these
    In(Arg("symbol"), ("GME", "AMC"))                   membership in a list of literals,
    In(Arg("payment_id"), Lookup(...))                  or in a list (or an object's keys)
    Present(Arg("insurance"))                           the value exists and is not null
    AllOf(a, b), AnyOf(a, b), Not(a)

A check either holds, fails, or cannot be decided: it raises ``RuleEvaluationError`` (a missing
argument, a failed lookup, values that cannot meet). ``AllOf`` and ``AnyOf`` stop at the first
operand that decides them, as ``and``/``or`` do; an undecidable operand before that makes the
whole check undecidable — ``Not`` of an undecidable check is undecidable, never true.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from plangate.graphs.guards._rule_schema import can_compare
from plangate.graphs.guards._rule_values import COMPARISONS, as_number, compare, describe, same
from plangate.graphs.guards.rule_terms import (
    Evaluation,
    MissingValueError,
    Predicate,
    RuleEvaluationError,
    Scope,
    Term,
    plain,
)
from plangate.tools.errors import UsageError


def _text(found: Any, term: Term, owner: str) -> str:
    if not isinstance(found, str):
        raise RuleEvaluationError(f"{owner} needs text, {term} is {describe(found)}")
    return found


def _needs_text(term: Term, scope: Scope, owner: str) -> None:
    kind = term.shape(scope).kind
    if kind not in ("text", "moment", "any"):
        raise UsageError(f"{scope.what}: {owner} needs text, {term} is a {kind}")


@dataclass(frozen=True)
class Compare:
    """``left op right``."""

    left: Term
    op: str
    right: Term

    def __post_init__(self) -> None:
        if self.op not in COMPARISONS:
            raise UsageError(f"unknown comparison {self.op!r}; use one of {' '.join(COMPARISONS)}")

    async def holds(self, ev: Evaluation) -> bool:
        """Whether the comparison holds."""
        left, right = await self.left.evaluate(ev), await self.right.evaluate(ev)
        try:
            return compare(self.op, left, right)
        except ValueError as exc:
            raise RuleEvaluationError(f"{self}: {exc}") from exc

    def validate(self, scope: Scope) -> None:
        """Refuse kinds that can never meet under ``op`` (a date against a number...)."""
        left, right = self.left.shape(scope).kind, self.right.shape(scope).kind
        if not can_compare(self.op, left, right):
            raise UsageError(f"{scope.what}: {self} compares a {left} with a {right}")

    def __str__(self) -> str:
        return f"{self.left} {self.op} {self.right}"


@dataclass(frozen=True)
class Matches:
    """The whole text matches the regular expression ``pattern``."""

    term: Term
    pattern: str

    def __post_init__(self) -> None:
        try:
            re.compile(self.pattern)
        except (re.error, TypeError) as exc:
            raise UsageError(
                f"pattern {self.pattern!r} is not a regular expression: {exc}"
            ) from exc

    async def holds(self, ev: Evaluation) -> bool:
        """Whether the text matches."""
        found = _text(await self.term.evaluate(ev), self.term, "matches")
        return re.fullmatch(self.pattern, found) is not None

    def validate(self, scope: Scope) -> None:
        """Refuse a term that never holds text."""
        _needs_text(self.term, scope, "matches")

    def __str__(self) -> str:
        return f"{self.term} matches {self.pattern!r}"


@dataclass(frozen=True)
class StartsWith:
    """The text starts with one of ``prefixes``."""

    term: Term
    prefixes: tuple[str, ...]

    def __post_init__(self) -> None:
        prefixes = (self.prefixes,) if isinstance(self.prefixes, str) else tuple(self.prefixes)
        if not prefixes or not all(isinstance(prefix, str) and prefix for prefix in prefixes):
            raise UsageError(f"starts_with needs non-empty text prefixes, got {self.prefixes!r}")
        object.__setattr__(self, "prefixes", prefixes)

    async def holds(self, ev: Evaluation) -> bool:
        """Whether the text starts with a prefix."""
        return _text(await self.term.evaluate(ev), self.term, "starts_with").startswith(
            self.prefixes
        )

    def validate(self, scope: Scope) -> None:
        """Refuse a term that never holds text."""
        _needs_text(self.term, scope, "starts_with")

    def __str__(self) -> str:
        return f"{self.term} starts with {' or '.join(map(repr, self.prefixes))}"


@dataclass(frozen=True)
class In:
    """The value is one of ``values``: literals, or a term holding a list or an object (keys)."""

    term: Term
    values: tuple[Any, ...] | Term

    def __post_init__(self) -> None:
        if isinstance(self.values, Term):
            return
        if isinstance(self.values, str | bytes | Mapping) or not isinstance(self.values, Sequence):
            raise UsageError(f"in needs a list of values, got {self.values!r}")
        if not all(
            v is None or isinstance(v, str | bool | int | float | Decimal) for v in self.values
        ):
            raise UsageError(f"in lists text, numbers, true, false or null, got {self.values!r}")
        # Numbers are kept as Decimal literals, like Const: 9.9 and "9.90" spell one value.
        values: list[Any] = []
        for value in self.values:
            literal = value is None or isinstance(value, str | bool)
            number = None if literal else as_number(value)
            if number is None and not literal:
                raise UsageError(f"in lists finite numbers only, got {value!r}")
            values.append(value if number is None else plain(number))
        object.__setattr__(self, "values", tuple(values))

    async def holds(self, ev: Evaluation) -> bool:
        """Whether the value is among the values (numbers are equal as numbers)."""
        found = await self.term.evaluate(ev)
        values: Any = self.values
        if isinstance(values, Term):
            values = await values.evaluate(ev)
            if isinstance(values, Mapping):
                values = list(values)
            elif not isinstance(values, list | tuple):
                raise RuleEvaluationError(f"in needs a list, {self.values} is {describe(values)}")
        return any(same(found, value) for value in values)

    def validate(self, scope: Scope) -> None:
        """Validate the terms; a term of values must hold a list or an object."""
        self.term.shape(scope)
        if isinstance(self.values, Term):
            kind = self.values.shape(scope).kind
            if kind not in ("list", "object", "any"):
                raise UsageError(f"{scope.what}: {self} looks in a {kind}, not a list")

    def __str__(self) -> str:
        values = self.values if isinstance(self.values, Term) else list(self.values)
        return f"{self.term} in {values}"


@dataclass(frozen=True)
class Present:
    """The value exists and is not null (a check for optional arguments)."""

    term: Term

    async def holds(self, ev: Evaluation) -> bool:
        """Whether the value is there; a failed lookup is still undecidable, not absent."""
        try:
            return await self.term.evaluate(ev) is not None
        except MissingValueError:
            return False

    def validate(self, scope: Scope) -> None:
        """Validate the term."""
        self.term.shape(scope)

    def __str__(self) -> str:
        return f"present({self.term})"


def _operands(checks: tuple[Predicate, ...], owner: str) -> tuple[Predicate, ...]:
    if len(checks) == 1 and isinstance(checks[0], list | tuple):
        checks = tuple(checks[0])
    if not checks:
        raise UsageError(f"{owner} needs at least one check")
    if not all(hasattr(check, "holds") for check in checks):
        raise UsageError(f"{owner} combines checks, got {checks!r}")
    return checks


class AllOf:
    """Every check holds (stops at the first that fails)."""

    def __init__(self, *checks: Predicate) -> None:
        self.checks = _operands(checks, "all")

    async def holds(self, ev: Evaluation) -> bool:
        """Whether all hold."""
        for check in self.checks:
            if not await check.holds(ev):
                return False
        return True

    def validate(self, scope: Scope) -> None:
        """Validate every check."""
        for check in self.checks:
            check.validate(scope)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.checks == getattr(other, "checks", None)

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.checks))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(map(repr, self.checks))})"

    def __str__(self) -> str:
        return "(" + " and ".join(map(str, self.checks)) + ")"


class AnyOf(AllOf):
    """At least one check holds (stops at the first that holds)."""

    def __init__(self, *checks: Predicate) -> None:
        self.checks = _operands(checks, "any")

    async def holds(self, ev: Evaluation) -> bool:
        """Whether any holds."""
        for check in self.checks:
            if await check.holds(ev):
                return True
        return False

    def __str__(self) -> str:
        return "(" + " or ".join(map(str, self.checks)) + ")"


@dataclass(frozen=True)
class Not:
    """The check does not hold (undecidable stays undecidable)."""

    check: Predicate

    async def holds(self, ev: Evaluation) -> bool:
        """Whether the check fails."""
        return not await self.check.holds(ev)

    def validate(self, scope: Scope) -> None:
        """Validate the check."""
        self.check.validate(scope)

    def __str__(self) -> str:
        return f"not {self.check}"
