"""How the rule language compares and computes values: numbers, text, moments and durations.

The values a rule meets are JSON (tool arguments, lookup results) plus what its own terms make:
``Decimal`` numbers, ``datetime``/``date`` moments and ``timedelta`` durations. The rules:

- numbers compare and compute as ``Decimal``; a string spelling a number (``"129.90"``, as money
  travels in JSON) is that number; floats go through ``repr`` so ``0.1`` stays ``0.1``;
- a string facing a moment is read as an ISO date or datetime; a datetime facing a date is
  reduced to its own (local) date; a datetime without a time zone never meets one with one;
- two strings are equal only as text and order as numbers when both spell one, else as text;
- ``null`` may only be tested for equality; booleans, lists and objects compare only with
  their own kind and only with ``==``/``!=``.

Every other pairing is a ``ValueError`` whose message says what met what, never a silent
``False``: a rule that compares the wrong things must not quietly pass or fail.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

_NUMERIC_TEXT = re.compile(r"\s*[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?\s*")
ORDERINGS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}  # fmt: skip
COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    **ORDERINGS, "==": operator.eq, "!=": operator.ne,
}  # fmt: skip
Moment = datetime | date


def as_number(value: Any) -> Decimal | None:
    """``value`` as a finite ``Decimal`` when it is a number or a string spelling one."""
    if isinstance(value, str):
        if not _NUMERIC_TEXT.fullmatch(value):
            return None
        try:
            number = Decimal(value.strip())
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
            return None
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, int | Decimal) and not isinstance(value, bool):
        number = Decimal(value)
    else:
        return None
    return number if number.is_finite() else None


def as_moment(value: Any) -> Moment | None:
    """``value`` as a datetime or date (ISO text is read), or None."""
    if isinstance(value, datetime | date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError:
        return None


def describe(value: Any) -> str:
    """A short phrase naming ``value`` for an error message."""
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, timedelta):
        return f"the duration {value}"
    if isinstance(value, datetime | date):
        return f"the moment {value.isoformat()}"
    if isinstance(value, str):
        return f"the text {value[:60]!r}"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    number = as_number(value)
    return f"the number {number}" if number is not None else type(value).__name__


def to_json(value: Any) -> Any:
    """``value`` as JSON data for a verdict's details (numbers and moments become text)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return repr(value)


def _moments(left: Any, right: Any) -> tuple[Moment, Moment] | None:
    if not isinstance(left, datetime | date) and not isinstance(right, datetime | date):
        return None
    a, b = as_moment(left), as_moment(right)
    if a is None or b is None:
        return None
    if isinstance(a, datetime) != isinstance(b, datetime):
        # A datetime against a day: the day it falls on, where it happens.
        a = a.date() if isinstance(a, datetime) else a
        b = b.date() if isinstance(b, datetime) else b
    elif (
        isinstance(a, datetime)
        and isinstance(b, datetime)
        and (a.tzinfo is None) != (b.tzinfo is None)
    ):
        naive = a if a.tzinfo is None else b
        raise ValueError(f"{naive.isoformat()} has no time zone, so it cannot be placed in time")
    return a, b


def _same_kind(left: Any, right: Any) -> bool:
    return any(
        isinstance(left, kind) and isinstance(right, kind) for kind in (bool, Mapping, list | tuple)
    )


def compare(op: str, left: Any, right: Any) -> bool:
    """``left op right`` for ``op`` in ``< <= > >= == !=`` (see the module docstring).

    Raises:
        ValueError: the two values cannot be compared with ``op``; the message says why.
    """
    equality = op in ("==", "!=")
    if isinstance(left, str) and isinstance(right, str) and equality:
        pair: tuple[Any, Any] = (left, right)
    elif left is None or right is None:
        if not equality:
            raise ValueError(f"cannot order {describe(left)} and {describe(right)} with {op}")
        pair = (left is None, right is None)
    elif (moments := _moments(left, right)) is not None:
        pair = moments
    elif isinstance(left, timedelta) and isinstance(right, timedelta):
        pair = (left, right)
    elif as_number(left) is not None and as_number(right) is not None:
        pair = (as_number(left), as_number(right))
    elif (isinstance(left, str) and isinstance(right, str)) or (
        equality and _same_kind(left, right)
    ):
        pair = (left, right)
    else:
        raise ValueError(
            f"cannot compare {describe(left)} with {describe(right)} using {op}: numbers "
            "compare with numbers, moments with moments, durations with durations; booleans, "
            "lists and objects only with their own kind and only with == or !="
        )
    return bool(COMPARISONS[op](*pair))


def same(left: Any, right: Any) -> bool:
    """Equality for membership: like ``==`` but False (not an error) for unlike values."""
    try:
        return compare("==", left, right)
    except ValueError:
        return False


def calculate(op: str, left: Any, right: Any) -> Any:
    """``left op right`` for ``op`` in ``+ - * /`` over numbers, moments and durations.

    Raises:
        ValueError: the operation means nothing for these values (or divides by zero).
    """
    a, b = as_number(left), as_number(right)
    if a is not None and b is not None:
        if op == "/" and b == 0:
            raise ValueError(f"division by zero ({a} / {b})")
        return {"+": a + b, "-": a - b, "*": a * b}[op] if op != "/" else a / b
    if isinstance(left, timedelta) or isinstance(right, timedelta):
        result = _duration_arithmetic(op, left, right)
        if result is not None:
            return result
    elif op == "-" and (moments := _moments(*_as_moments(left, right))) is not None:
        return moments[0] - moments[1]  # same kind: see _moments
    raise ValueError(f"cannot calculate {describe(left)} {op} {describe(right)}")


def _as_moments(left: Any, right: Any) -> tuple[Any, Any]:
    a, b = as_moment(left), as_moment(right)
    return (a, b) if a is not None and b is not None else (None, None)


def _duration_arithmetic(op: str, left: Any, right: Any) -> Any:
    if isinstance(left, timedelta) and isinstance(right, timedelta) and op in "+-":
        return left + right if op == "+" else left - right
    if isinstance(left, timedelta) and op in "*/" and (factor := as_number(right)) is not None:
        if op == "/" and factor == 0:
            raise ValueError(f"division by zero ({left} / {factor})")
        seconds = Decimal(left.total_seconds())
        scaled = seconds * factor if op == "*" else seconds / factor
        return timedelta(seconds=float(scaled))
    if op == "*" and isinstance(right, timedelta) and (factor := as_number(left)) is not None:
        return timedelta(seconds=float(Decimal(right.total_seconds()) * factor))
    if isinstance(right, timedelta) and op in "+-" and (moment := as_moment(left)) is not None:
        return moment + right if op == "+" else moment - right
    if isinstance(left, timedelta) and op == "+" and (moment := as_moment(right)) is not None:
        return moment + left
    return None
