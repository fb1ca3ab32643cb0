"""How the plan language reads values: numbers as ``Decimal``, comparisons, values in words.

Shared by the condition language (``plangate.graphs.engine.conditions``) and the expression
language inside ``${...}`` (``plangate.graphs.engine.expressions``), so ``${q.ask} < 200`` in a
condition and ``[ask < 200]`` in a filter compare alike.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

COMPARISONS: dict[str, Callable[[Any, Any], Any]] = {
    "<=": operator.le, ">=": operator.ge, "==": operator.eq,
    "!=": operator.ne, "<": operator.lt, ">": operator.gt,
}  # fmt: skip
"""The comparison operators, by their text."""

_NUMERIC_TEXT_RE = re.compile(r"\s*[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?\s*")


def describe(value: Any) -> str:
    """A value in words for an error message: ``the string 'x'``, ``the number 3``, ``null``."""
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, str):
        return f"the string {value[:60]!r}"
    if isinstance(value, Mapping | list | tuple):
        return "an object" if isinstance(value, Mapping) else "a list"
    return f"the number {value}" if number(value) is not None else type(value).__name__


def number(value: Any) -> Decimal | None:
    """``value`` as a finite Decimal when it is a number or a string spelling one, else None."""
    if isinstance(value, str) and _NUMERIC_TEXT_RE.fullmatch(value):
        found = Decimal(value.strip())
    elif isinstance(value, float):
        found = Decimal(repr(value))  # repr, not the binary expansion: 129.9 == "129.90"
    elif isinstance(value, int | Decimal) and not isinstance(value, bool):
        found = Decimal(value)
    else:
        return None
    return found if found.is_finite() else None


def compare(op: str, left: Any, right: Any) -> bool:
    """``left op right`` for ``op`` in ``< <= > >= == !=``, by the rules of the condition language.

    Raises:
        ValueError: the two values cannot be compared with ``op``; the message says why.
    """
    equality = op in ("==", "!=")
    same_kind = any(
        isinstance(left, kind) and isinstance(right, kind) for kind in (bool, Mapping, list | tuple)
    )
    if isinstance(left, str) and isinstance(right, str) and equality:
        pair: tuple[Any, Any] = (left, right)
    elif left is None or right is None:
        if not equality:
            raise ValueError(f"cannot order {describe(left)} and {describe(right)} with {op}")
        pair = (left is None, right is None)
    elif number(left) is not None and number(right) is not None:
        pair = (number(left), number(right))
    elif (isinstance(left, str) and isinstance(right, str)) or (equality and same_kind):
        pair = (left, right)
    else:
        raise ValueError(
            f"cannot compare {describe(left)} with {describe(right)} using {op}: numbers "
            "compare with numbers and numeric strings; booleans, lists and objects only with "
            "their own kind and only with == or !="
        )
    return bool(COMPARISONS[op](*pair))
