"""Expressions inside ``${...}``: filters, arithmetic and functions over earlier results.

The syntax is drawn in ``plangate.graphs.engine.references`` (what a plan writer reads). A
``${...}`` that is a plain path stays a ``Reference``; anything more is an ``Expression``:

    >>> expression = parse_expression("floor(positions[symbol == 'TSLA'][0].qty / 2)")
    >>> expression.evaluate({"positions": [{"symbol": "TSLA", "qty": 7}]})
    3

Parsing is static (the syntax, the functions and their number of arguments, the step ids it
reads: ``Expression.references``), so a plan is checked before it runs; evaluating is safe (no
``eval``; Decimal arithmetic) and every failure is a model-visible ``ReferenceResolutionError``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from plangate.graphs.engine._expression_eval import Traced, evaluate
from plangate.graphs.engine._expression_parser import parse_tree
from plangate.graphs.engine._expression_syntax import (
    FUNCTIONS,
    MAX_DEPTH,
    MAX_LENGTH,
    Binary,
    Call,
    ExpressionSyntaxError,
    Field,
    Filter,
    Index,
    Member,
    Node,
    Path,
    Root,
    Unary,
    format_node,
)
from plangate.graphs.engine.paths import PathSegment, Reference, ReferenceResolutionError

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Expression",
    "ExpressionSyntaxError",
    "Traced",
    "parse_expression",
]


@dataclass(frozen=True, kw_only=True)
class Expression(Reference):
    """A parsed ``${...}`` expression; a ``Reference`` whose ``step_id`` and ``path`` are those
    of the first result it reads (up to a filter).

    Attributes:
        text: the expression as written, without ``${`` and ``}``.
        tree: its syntax tree.
    """

    text: str
    tree: Node

    def __str__(self) -> str:
        return f"${{{self.text}}}"

    @property
    def canonical(self) -> str:
        """The expression in canonical form (spacing, quotes): parsing it gives the same tree."""
        return format_node(self.tree)

    @property
    def references(self) -> list[Reference]:
        """The results it reads, left to right: each path up to its first filter."""
        return _reads(self.tree, str(self))

    def evaluate(self, results: Mapping[str, Any]) -> Any:
        """The value for ``results`` (result JSON by step id), as JSON data.

        Raises:
            ReferenceResolutionError: the expression cannot be evaluated on these results.
        """
        return evaluate(self.tree, str(self), results).value

    def trace(self, results: Mapping[str, Any]) -> Traced:
        """The value and the places in the results it was read from.

        Raises:
            ReferenceResolutionError: the expression cannot be evaluated on these results.
        """
        return evaluate(self.tree, str(self), results)


def _reads(tree: Node, raw: str) -> list[Reference]:
    return [
        Reference(node.base.step_id, _plain_prefix(node), raw)
        for node in _walk(tree)
        if isinstance(node, Path) and isinstance(node.base, Root)
    ]


def _plain_prefix(node: Path) -> tuple[PathSegment, ...]:
    prefix: list[PathSegment] = []
    for seg in node.segments:
        if isinstance(seg, Filter) or (isinstance(seg, Index) and seg.index < 0):
            break
        prefix.append(seg.name if isinstance(seg, Field) else seg.index)
    return tuple(prefix)


def _walk(node: Node) -> Iterator[Node]:
    yield node
    children: tuple[Node, ...] = ()
    if isinstance(node, Path):
        filters = tuple(seg.predicate for seg in node.segments if isinstance(seg, Filter))
        children = (node.base, *filters)
    elif isinstance(node, Unary):
        children = (node.operand,)
    elif isinstance(node, Binary):
        children = (node.left, node.right)
    elif isinstance(node, Member):
        children = (node.operand, *node.items)
    elif isinstance(node, Call):
        children = node.args
    for item in children:
        yield from _walk(item)


def parse_expression(text: str) -> Expression:
    """Parse the inside of ``${...}`` as an expression.

    An expression reads at least one earlier result: ``${...}`` always stands for something
    computed from results (a constant is written as itself).

    Raises:
        ExpressionSyntaxError: the text does not parse, with the column and what was expected.
        ReferenceResolutionError: it reads no result.
    """
    tree = parse_tree(text)
    reads = _reads(tree, f"${{{text}}}")
    if not reads:
        raise ReferenceResolutionError(
            f"${{{text}}}",
            "an expression reads at least one earlier result, e.g. ${floor(s1.qty / 2)}; "
            "write a constant as itself",
        )
    first = reads[0]
    return Expression(first.step_id, first.path, first.raw, text=text, tree=tree)
