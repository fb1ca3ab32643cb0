r"""The syntax of ``${...}`` expressions: tokens, the tree, the parser and the canonical text.

The grammar is drawn in ``plangate.graphs.engine.references``. A hand-written tokenizer and
recursive-descent parser read it: model-written text never reaches ``eval``. A bare name is a
step id at the top, and a field of the item inside a filter's brackets; a name followed by ``(``
is a function, checked (name and number of arguments) while parsing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from plangate.graphs.engine.paths import STEP_ID_PATTERN, ReferenceResolutionError

MAX_LENGTH = 500
MAX_DEPTH = 20

FUNCTIONS: dict[str, tuple[int, int]] = {
    "floor": (1, 1), "ceil": (1, 1), "round": (1, 2), "abs": (1, 1),
    "min": (1, 20), "max": (1, 20), "len": (1, 1), "date": (1, 1), "time": (1, 1),
}  # fmt: skip
"""Each function with its least and most arguments."""

Scalar = Decimal | str | bool | None
_LITERALS: dict[str, Scalar] = {"true": True, "false": False, "null": None}
_KEYWORDS = frozenset({"and", "or", "not", "in", *_LITERALS})
_STEP_RE = re.compile(f"{STEP_ID_PATTERN}$")
_TOKEN_RE = re.compile(
    r"""(?P<space>\s+)
    | (?P<number>[0-9]+(?:\.[0-9]+)?)
    | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<punct><=|>=|==|!=|<|>|[()\[\],.+\-*/?@])""",
    re.VERBOSE | re.DOTALL,
)
_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "t": "\t"}
_QUOTED = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\t": "\\t"}


class ExpressionSyntaxError(ReferenceResolutionError):
    """A ``${...}`` expression does not parse.

    Attributes:
        column: 1-based column inside the braces where reading failed.
        expected: what would have been valid there.
    """

    def __init__(self, text: str, column: int, expected: str, found: str) -> None:
        super().__init__(f"${{{text}}}", f"column {column}: expected {expected}, found {found}")
        self.column: int = column
        self.expected: str = expected


@dataclass(frozen=True)
class Const:
    """A literal; numbers are ``Decimal``."""

    value: Scalar


@dataclass(frozen=True)
class Root:
    """A step's result: the start of a path at the top of an expression."""

    step_id: str


@dataclass(frozen=True)
class Item:
    """The item a filter is testing (``@``; a bare name inside a filter is a field of it)."""


@dataclass(frozen=True)
class Field:
    """``.name``."""

    name: str


@dataclass(frozen=True)
class Index:
    """``[n]``; negative counts from the end."""

    index: int


@dataclass(frozen=True)
class Filter:
    """``[predicate]``: the items of a list for which the predicate is true."""

    predicate: Node


Segment = Field | Index | Filter


@dataclass(frozen=True)
class Path:
    """A base followed by fields, indexes and filters."""

    base: Node
    segments: tuple[Segment, ...] = ()


@dataclass(frozen=True)
class Unary:
    """``-x`` or ``not x``."""

    op: Literal["-", "not"]
    operand: Node


@dataclass(frozen=True)
class Binary:
    """``a op b``: arithmetic, a comparison, ``and`` or ``or``."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Member:
    """``x in [a, b]`` (``negated``: ``x not in [...]``)."""

    operand: Node
    items: tuple[Node, ...]
    negated: bool = False


@dataclass(frozen=True)
class Call:
    """``name(args)``: one of ``FUNCTIONS``."""

    name: str
    args: tuple[Node, ...]


Node = Const | Root | Item | Path | Unary | Binary | Member | Call

_LEVEL = {"or": 1, "and": 2, "not": 3, "cmp": 4, "+": 5, "-": 5, "*": 6, "/": 6, "neg": 7}
_CMP = frozenset({"<", "<=", ">", ">=", "==", "!="})


@dataclass(frozen=True)
class _Token:
    kind: Literal["value", "word", "punct", "end"]
    text: str
    column: int
    value: Any = None


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    pos = 0
    while pos < len(text):
        match, col = _TOKEN_RE.match(text, pos), pos + 1
        if match is None:
            rest = text[pos:]
            if rest[0] in "'\"":
                raise ExpressionSyntaxError(text, col, f"{rest[0]} closing the string", "the end")
            hint = "'==' to compare" if rest[0] == "=" else "a value, a name or an operator"
            raise ExpressionSyntaxError(text, col, hint, repr(rest[0]))
        pos, kind, raw = match.end(), match.lastgroup, match.group()
        if kind == "number":
            out.append(_Token("value", raw, col, Decimal(raw)))
        elif kind == "string":
            out.append(_Token("value", raw, col, _unquote(text, raw, col)))
        elif kind == "word" and raw in _LITERALS:
            out.append(_Token("value", raw, col, _LITERALS[raw]))
        elif kind in ("word", "punct"):
            out.append(_Token("word" if kind == "word" else "punct", raw, col))
    out.append(_Token("end", "", len(text) + 1))
    return out


def _unquote(text: str, raw: str, column: int) -> str:
    def unescape(match: re.Match[str]) -> str:
        if match.group(1) not in _ESCAPES:
            at = column + 1 + match.start()
            raise ExpressionSyntaxError(
                text, at, r"an escape: \\ \' \" \n or \t", repr(match.group())
            )
        return _ESCAPES[match.group(1)]

    return re.sub(r"\\(.)", unescape, raw[1:-1], flags=re.DOTALL)


def format_node(node: Node) -> str:
    """The canonical text of an expression: parsing it gives ``node`` back."""
    return _format(node, 0)


def _level(node: Node) -> int:
    if isinstance(node, Binary):
        return _LEVEL["cmp"] if node.op in _CMP else _LEVEL[node.op]
    if isinstance(node, Member):
        return _LEVEL["cmp"]
    if isinstance(node, Unary):
        return _LEVEL["not"] if node.op == "not" else _LEVEL["neg"]
    return 8


def _format(node: Node, least: int) -> str:
    text = _text(node)
    return f"({text})" if _level(node) < least else text


def _text(node: Node) -> str:
    if isinstance(node, Const):
        return _literal(node.value)
    if isinstance(node, Root):
        return node.step_id
    if isinstance(node, Item):
        return "@"
    if isinstance(node, Path):
        return _path(node)
    if isinstance(node, Unary):
        if node.op == "not":
            return f"not {_format(node.operand, _LEVEL['not'])}"
        return f"-{_format(node.operand, _LEVEL['neg'])}"
    if isinstance(node, Member):
        items = ", ".join(_format(item, 1) for item in node.items)
        op = "not in" if node.negated else "in"
        return f"{_format(node.operand, _LEVEL['cmp'] + 1)} {op} [{items}]"
    if isinstance(node, Call):
        return f"{node.name}({', '.join(_format(arg, 1) for arg in node.args)})"
    level = _level(node)
    # Left-associative: a same-level right side needs parentheses; comparisons do not chain.
    left = level + 1 if level in (_LEVEL["cmp"],) else level
    return f"{_format(node.left, left)} {node.op} {_format(node.right, level + 1)}"


def _path(node: Path) -> str:
    segments = node.segments
    first = segments[0] if segments else None
    if isinstance(node.base, Item) and isinstance(first, Field) and first.name not in _KEYWORDS:
        text, segments = first.name, segments[1:]  # "@.symbol" is written "symbol"
    else:
        text = _format(node.base, 8)
    for seg in segments:
        if isinstance(seg, Field):
            text += f".{seg.name}"
        elif isinstance(seg, Index):
            text += f"[{seg.index}]"
        elif isinstance(seg.predicate, Const) or (
            isinstance(seg.predicate, Unary) and isinstance(seg.predicate.operand, Const)
        ):
            text += f"[({_format(seg.predicate, 1)})]"  # "[3]" would be an index
        else:
            text += f"[{_format(seg.predicate, 1)}]"
    return text


def _literal(value: Scalar) -> str:
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, Decimal):
        return format(value, "f")
    return "'" + "".join(_QUOTED.get(char, char) for char in value) + "'"
