r"""References from a step's arguments to the results of earlier steps, and expressions over them.

A string argument may hold ``${...}``, which reads the *result JSON* of earlier steps. Inside the
braces is either a plain **path** or an **expression**.

**Paths.** ``${s1.price.amount}`` reads a field, ``${s2[0].id}`` an item of a list result::

    path := step_id ( "." field | "[" index "]" )*

**Expressions** filter lists, compute numbers and take dates apart::

    expression := or ;  or := and ("or" and)* ;  and := not ("and" not)*
    not        := "not" not | comparison
    comparison := sum ( ("<" | "<=" | ">" | ">=" | "==" | "!=") sum
                      | ["not"] "in" "[" [expression ("," expression)*] "]" )?
    sum        := product (("+" | "-") product)* ;  product := unary (("*" | "/") unary)*
    unary      := "-" unary | postfix
    postfix    := primary ( "." field | "[" ["-"] digits "]" | "[" ["?"] expression "]" )*
    primary    := number | 'text' | "text" | true | false | null
                | function "(" [expression ("," expression)*] ")" | name | "@" | "(" expression ")"

- A **name** is a step id, the root of a path (``pos[0].qty``), except inside a filter.
- **Filters**: ``list[test]`` keeps the items for which ``test`` is true; inside the brackets
  a bare name is a field of the item (``@`` is the item itself), and an item lacking that field
  does not match. ``${orders.orders[symbol == 'META' and status == 'new'][0].id}`` is the id of
  the first open META order; ``[?symbol == 'META']`` (JMESPath's spelling) means the same.
  Indexing a filter that kept nothing fails with ``no item of orders.orders has symbol ==
  'META'``. A digit-only ``[n]`` is an index; ``[-1]`` is the last item.
- **Arithmetic**: ``+ - * /`` on numbers (and strings spelling one, ``"129.90"``), computed as
  ``Decimal``; a computed number becomes an ``int`` when whole, else a ``float``. A non-number
  or a division by zero is an error, never a guess.
- **Functions**: ``floor(x)``, ``ceil(x)``, ``round(x)`` / ``round(x, digits)`` (halves away
  from zero), ``abs(x)``, ``min(a, b, ...)`` / ``max(...)`` (of numbers, or of one list),
  ``len(x)`` (of a list, text or object), ``date(t)`` (the calendar date ``YYYY-MM-DD`` of an
  ISO datetime, in its own offset) and ``time(t)`` (its ``HH:MM``).
- **Comparisons** follow the condition language (``plangate.graphs.engine.conditions``):
  numbers and numeric strings as numbers, text as text; ``and``/``or``/``not`` take booleans.
- An expression reads at least one result. At most 500 characters and 20 levels of nesting.
  Text in quotes may hold ``}``; the escapes are ``\\ \' \" \n \t``.

For example: ``${floor(pos[symbol == 'TSLA'][0].qty / 2)}`` (half a position, whole shares),
``${date(flight.offers[0].arrive_at)}`` (the day a flight lands), ``${quote.ask_price * 10}``.

Two forms, for paths and expressions alike:

- **exact** — the string is one ``${...}`` and nothing else (``"${s1.offers[0].id}"``): it is
  replaced by the value with its JSON type (a number stays a number, a list a list);
- **interpolated** — it sits among other text (``"Table for ${s1.party}"``): each ``${...}``
  is replaced by its text (strings as they are, anything else as compact JSON).

``$${`` writes a literal ``${`` and is never a reference. The string is read left to right, so
``$$${s1}`` is ``$`` followed by the literal text ``${s1}``. Every failure — a malformed
``${...}``, a missing result or field, a filter that kept nothing, a non-number in arithmetic —
is a ``ReferenceResolutionError`` (``model_visible``: a model reads it and repairs its plan).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from plangate.graphs.engine.expressions import Expression, parse_expression
from plangate.graphs.engine.paths import (
    STEP_ID_PATTERN,
    PathSegment,
    Reference,
    ReferenceResolutionError,
    format_path,
    lookup,
    parse_reference,
)

__all__ = [
    "STEP_ID_PATTERN",
    "Expression",
    "PathSegment",
    "Reference",
    "ReferenceResolutionError",
    "closing_brace",
    "find_references",
    "format_path",
    "lookup",
    "parse_embedded",
    "parse_reference",
    "parse_template",
    "resolve",
]

_ESCAPE = "$${"
_OPEN = "${"
_PATHLIKE = re.compile(r"[\w.\[\]]*")

Part = str | Reference
"""A piece of a template: literal text, or a path or an expression (an ``Expression`` is a
``Reference``)."""


def parse_embedded(text: str) -> Reference:
    """Parse the inside of ``${...}``: a ``Reference`` for a plain path, else an ``Expression``.

    Raises:
        ReferenceResolutionError: neither; for text made only of path characters the path's
            message, else the expression's (``ExpressionSyntaxError``, with its column).
    """
    try:
        return parse_reference(text)
    except ReferenceResolutionError as path_error:
        try:
            return parse_expression(text)
        except ReferenceResolutionError:
            if _PATHLIKE.fullmatch(text):
                raise path_error from None
            raise


def closing_brace(text: str, start: int) -> int:
    """Where the ``}`` closing a ``${`` whose inside starts at ``start`` is; -1 when none.

    A ``}`` inside quotes belongs to the text of an expression; when a quote is never closed,
    the first ``}`` closes (the expression then reports the open quote).
    """
    quote = ""
    pos = start
    while pos < len(text):
        char = text[pos]
        if quote:
            if char == "\\":
                pos += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "}":
            return pos
        pos += 1
    return text.find("}", start)


def parse_template(text: str) -> list[Part]:
    """Split a string into literal text, references and expressions (escapes unescaped).

    Raises:
        ReferenceResolutionError: a ``${`` is never closed or encloses a malformed path.
    """
    parts: list[Part] = []
    literal: list[str] = []
    pos = 0
    while pos < len(text):
        if text.startswith(_ESCAPE, pos):
            literal.append(_OPEN)
            pos += len(_ESCAPE)
        elif text.startswith(_OPEN, pos):
            end = closing_brace(text, pos + len(_OPEN))
            if end < 0:
                raise ReferenceResolutionError(
                    text[pos:], "'${' is never closed by '}'; write $${ for a literal ${"
                )
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(parse_embedded(text[pos + len(_OPEN) : end]))
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

    An expression contributes the results it reads (``Expression.references``).

    Raises:
        ReferenceResolutionError: a string holds a malformed reference or expression.
    """
    found: list[Reference] = []
    for text in _strings(value):
        for part in parse_template(text):
            if isinstance(part, Expression):
                found.extend(part.references)
            elif isinstance(part, Reference):
                found.append(part)
    return found


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
    """A copy of ``value`` with every ``${...}`` replaced by what it points at or computes.

    Args:
        value: arguments as the plan wrote them (nested dicts, lists, strings, scalars).
        results: result JSON of finished steps, by step id.

    Raises:
        ReferenceResolutionError: a reference is malformed or points at nothing, or an
            expression cannot be evaluated.
    """
    if isinstance(value, str):
        return _resolve_text(value, results)
    if isinstance(value, Mapping):
        return {key: resolve(item, results) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [resolve(item, results) for item in value]
    return value
