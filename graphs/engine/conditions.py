r"""The condition language: when a step runs.

A step's ``condition`` is a small expression over earlier results, read by a hand-written
tokenizer and recursive-descent parser — model-written text never reaches ``eval``::

    condition  := and ("or" and)* ;   and := unary ("and" unary)*
    unary      := "not" unary | "(" condition ")" | comparison
    comparison := operand ( ("<" | "<=" | ">" | ">=" | "==" | "!=") operand
                          | ["not"] "in" "[" [literal ("," literal)*] "]" )?
    operand    := literal | "${" path-or-expression "}"   (see plangate.graphs.engine.references)
    literal    := number | 'text' | "text" | true | false | null

Numbers may be negative and have decimals (``-3``, ``129.90``); strings take the escapes
``\\ \' \" \n \t``. ``and``/``or`` short-circuit. At most ``MAX_LENGTH`` characters and
``MAX_DEPTH`` nested ``(`` or ``not``. Comparison rules:

- numbers compare as ``Decimal``; a string spelling a number (``"129.90"``: JSON carries
  Decimals so) compares as that number; any other string against a number is an error;
- two strings are equal only as text; they order as numbers when both spell one, else as text
  (so ISO dates order correctly);
- anything may be tested ``== null``; booleans compare only with booleans, lists with lists,
  objects with objects, and only for equality; every other pairing is an error, never ``false``;
- ``x in [a, b]`` means ``x == a or x == b``; a lone operand must be ``true`` or ``false``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from plangate.graphs.engine._values import COMPARISONS, compare, describe
from plangate.graphs.engine.references import (
    Expression,
    Reference,
    ReferenceResolutionError,
    closing_brace,
    lookup,
    parse_embedded,
)
from plangate.tools.errors import PlangateError

MAX_LENGTH = 500
MAX_DEPTH = 20

Scalar = Decimal | str | bool | None
_LITERALS: dict[str, Scalar] = {"true": True, "false": False, "null": None}
_KEYWORDS = ("and", "or", "not", "in")
_TOKEN_RE = re.compile(
    r"""(?P<space>\s+)
    | (?P<number>-?[0-9]+(?:\.[0-9]+)?)
    | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<punct><=|>=|==|!=|<|>|[()\[\],])""",
    re.VERBOSE | re.DOTALL,
)
_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "t": "\t"}
_VALUE = "a value (number, 'text', true, false, null or ${step.field})"


class ConditionSyntaxError(PlangateError):
    """A condition does not parse.

    Attributes:
        text: the condition as written.
        column: 1-based column where reading failed.
        expected: what would have been valid there.
    """

    model_visible = True

    def __init__(self, text: str, column: int, expected: str, found: str) -> None:
        super().__init__(f"condition {text!r}, column {column}: expected {expected}, found {found}")
        self.text: str = text
        self.column: int = column
        self.expected: str = expected


class ConditionEvaluationError(PlangateError):
    """A condition parsed but cannot be evaluated against these results.

    Attributes:
        text: the condition as written.
        reason: what went wrong, e.g. a number compared with a non-numeric string.
    """

    model_visible = True

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"condition {text!r}: {reason}")
        self.text: str = text
        self.reason: str = reason


@dataclass(frozen=True)
class Const:
    """A literal; numbers are ``Decimal``."""

    value: Scalar


@dataclass(frozen=True)
class Ref:
    """A ``${...}`` reading earlier results: a path or an expression (``Expression``)."""

    reference: Reference


@dataclass(frozen=True)
class Compare:
    """``left op right``; for ``in`` and ``not in`` the right side is the literal list."""

    op: str
    left: Const | Ref
    right: Const | Ref | tuple[Scalar, ...]


@dataclass(frozen=True)
class Logic:
    """``not a`` (one operand), ``a and b and ...`` or ``a or b or ...``."""

    op: Literal["and", "or", "not"]
    operands: tuple[Node, ...]


Node = Const | Ref | Compare | Logic


@dataclass(frozen=True)
class _Token:
    kind: Literal["value", "ref", "word", "punct", "end"]
    text: str
    column: int
    value: Any = None


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    pos = 0
    while pos < len(text):
        col = pos + 1
        if text.startswith("${", pos):
            end = closing_brace(text, pos + 2)
            if end < 0:
                raise _token_error(text, pos)
            raw, pos = text[pos : end + 1], end + 1
            try:
                out.append(_Token("ref", raw, col, parse_embedded(raw[2:-1])))
            except ReferenceResolutionError as exc:
                expected = f"a valid reference ({exc.reason})"
                raise ConditionSyntaxError(text, col, expected, repr(raw)) from exc
            continue
        match = _TOKEN_RE.match(text, pos)
        if match is None:
            raise _token_error(text, pos)
        pos, kind, raw = match.end(), match.lastgroup, match.group()
        if kind == "number":
            out.append(_Token("value", raw, col, Decimal(raw)))
        elif kind == "string":
            out.append(_Token("value", raw, col, _unquote(text, raw, col)))
        elif kind == "word" and raw in _LITERALS:
            out.append(_Token("value", raw, col, _LITERALS[raw]))
        elif kind == "word" and raw not in _KEYWORDS:
            expected = f"{_VALUE} or an operator (quote text; results are ${{step.field}})"
            raise ConditionSyntaxError(text, col, expected, repr(raw))
        elif kind in ("word", "punct"):
            out.append(_Token("word" if kind == "word" else "punct", raw, col))
    out.append(_Token("end", "", len(text) + 1))
    return out


def _token_error(text: str, pos: int) -> ConditionSyntaxError:
    rest, col = text[pos:], pos + 1
    if rest.startswith("${"):
        return ConditionSyntaxError(text, col, "'}' closing the reference", "the end")
    if rest[0] in "'\"":
        return ConditionSyntaxError(text, col, f"{rest[0]} closing the string", "the end")
    hint = "'==' to compare" if rest[0] == "=" else f"{_VALUE} or an operator"
    return ConditionSyntaxError(text, col, hint, repr(rest[0]))


def _unquote(text: str, raw: str, column: int) -> str:
    def unescape(match: re.Match[str]) -> str:
        if match.group(1) not in _ESCAPES:
            found = repr(match.group())
            at = column + 1 + match.start()
            raise ConditionSyntaxError(text, at, r"an escape: \\ \' \" \n or \t", found)
        return _ESCAPES[match.group(1)]

    return re.sub(r"\\(.)", unescape, raw[1:-1], flags=re.DOTALL)


class _Parser:
    """Recursive descent over the tokens; ``depth`` bounds nesting of ``(`` and ``not``."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.pos = 0
        self.depth = 0

    def peek(self, ahead: int = 0) -> _Token:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def fail(self, expected: str, token: _Token | None = None) -> ConditionSyntaxError:
        token = token or self.peek()
        found = "the end" if token.kind == "end" else repr(token.text)
        return ConditionSyntaxError(self.text, token.column, expected, found)

    def take(self, kind: str, text: str | None = None) -> _Token | None:
        token = self.peek()
        if token.kind == kind and (text is None or token.text == text):
            self.pos += 1
            return token
        return None

    def condition(self) -> Node:
        node = self.logic("or")
        if self.peek().kind != "end":
            raise self.fail("'and', 'or' or the end of the condition")
        return node

    def logic(self, op: Literal["and", "or"]) -> Node:
        operands = [self.logic("and") if op == "or" else self.unary()]
        while self.take("word", op):
            operands.append(self.logic("and") if op == "or" else self.unary())
        return operands[0] if len(operands) == 1 else Logic(op, tuple(operands))

    def unary(self) -> Node:
        token = self.take("word", "not") or self.take("punct", "(")
        if token is None:
            return self.comparison()
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(f"at most {MAX_DEPTH} nested parentheses or 'not'", token)
        if token.text == "not":
            node: Node = Logic("not", (self.unary(),))
        else:
            node = self.logic("or")
            if not self.take("punct", ")"):
                raise self.fail(f"')' closing the '(' at column {token.column}")
        self.depth -= 1
        return node

    def comparison(self) -> Node:
        left = self.operand()
        token = self.peek()
        if token.kind == "punct" and token.text in COMPARISONS:
            self.pos += 1
            return Compare(token.text, left, self.operand())
        if self.take("word", "in"):
            return Compare("in", left, self.items())
        if token.text == "not" and self.peek(1).text == "in" and self.peek(1).kind == "word":
            self.pos += 2
            return Compare("not in", left, self.items())
        if isinstance(left, Const) and not isinstance(left.value, bool):
            raise self.fail("a comparison (< <= > >= == != in) after a literal", token)
        return left

    def operand(self) -> Const | Ref:
        if token := self.take("value"):
            return Const(token.value)
        if token := self.take("ref"):
            return Ref(token.value)
        raise self.fail(_VALUE)

    def items(self) -> tuple[Scalar, ...]:
        if not self.take("punct", "["):
            raise self.fail("'[' starting a list of literals, like [1, 'a']")
        items: list[Scalar] = []
        while not self.take("punct", "]"):
            if items and not self.take("punct", ","):
                raise self.fail("',' or ']'")
            if not (token := self.take("value")):
                raise self.fail("a literal (number, 'text', true, false or null)")
            items.append(token.value)
        return tuple(items)


@dataclass(frozen=True)
class Condition:
    """A parsed condition.

    Attributes:
        text: the condition as written.
        expression: the root of its syntax tree.
    """

    text: str
    expression: Node

    @property
    def references(self) -> list[Reference]:
        """Every reference in the condition, left to right."""
        found: list[Reference] = []
        for node in _walk(self.expression):
            if isinstance(node, Ref) and isinstance(node.reference, Expression):
                found.extend(node.reference.references)
            elif isinstance(node, Ref):
                found.append(node.reference)
        return found

    def evaluate(self, results: Mapping[str, Any]) -> bool:
        """Whether the condition holds for ``results`` (result JSON by step id).

        Raises:
            ConditionEvaluationError: a missing reference, a lone non-boolean, incomparable values.
        """
        try:
            return _truth(self.expression, results)
        except (ReferenceResolutionError, ValueError) as exc:
            raise ConditionEvaluationError(self.text, str(exc)) from exc


def _value(node: Const | Ref, results: Mapping[str, Any]) -> Any:
    return lookup(node.reference, results) if isinstance(node, Ref) else node.value


def _truth(node: Node, results: Mapping[str, Any]) -> bool:
    if isinstance(node, Logic):
        if node.op == "not":
            return not _truth(node.operands[0], results)
        values = (_truth(operand, results) for operand in node.operands)
        return all(values) if node.op == "and" else any(values)
    if isinstance(node, Compare):
        left = _value(node.left, results)
        if isinstance(node.right, tuple):
            found = any(compare("==", left, item) for item in node.right)
            return found if node.op == "in" else not found
        return compare(node.op, left, _value(node.right, results))
    value = _value(node, results)
    if not isinstance(value, bool):
        what = node.reference if isinstance(node, Ref) else "the condition"
        raise ValueError(f"{what} is {describe(value)}, not true/false; compare it with ==")
    return value


def _walk(node: Node) -> Iterator[Node]:
    yield node
    if isinstance(node, Logic):
        for operand in node.operands:
            yield from _walk(operand)
    elif isinstance(node, Compare):
        yield from (side for side in (node.left, node.right) if not isinstance(side, tuple))


def parse_condition(text: str) -> Condition:
    """Parse a condition (the grammar is in this module's docstring).

    Raises:
        ConditionSyntaxError: with the column and what was expected there, also when the text
            is longer than ``MAX_LENGTH`` or nests deeper than ``MAX_DEPTH``.
    """
    if len(text) > MAX_LENGTH:
        found = f"{len(text)} characters"
        raise ConditionSyntaxError(
            text[:40] + "…", MAX_LENGTH + 1, f"at most {MAX_LENGTH} characters", found
        )
    return Condition(text, _Parser(text).condition())
