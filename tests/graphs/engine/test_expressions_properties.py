"""Property tests for ``${...}`` expressions: canonical text round-trips, arithmetic agrees with
Decimal arithmetic done here, filters agree with a comprehension, and no text or result ever
raises anything but ``ReferenceResolutionError``."""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from plangate.graphs.engine._expression_syntax import (
    FUNCTIONS,
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
from plangate.graphs.engine.expressions import parse_expression
from plangate.graphs.engine.references import ReferenceResolutionError, parse_embedded, resolve

KEYWORDS = {"and", "or", "not", "in", "true", "false", "null"}
step_ids = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True).filter(lambda w: w not in KEYWORDS)
fields = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True)
constants = st.one_of(
    st.decimals(min_value=0, max_value=10**6, places=2).map(Const),
    st.text(max_size=6).map(Const),
    st.sampled_from([True, False, None]).map(Const),
)
indexes = st.integers(-(10**9) + 1, 10**9 - 1).map(Index)


def _nodes(in_filter: bool) -> st.SearchStrategy[Node]:
    """Syntax trees the parser can produce: bare names are step ids, or fields inside filters."""
    if in_filter:
        leaf_paths = st.lists(fields.map(Field), min_size=1, max_size=2).map(
            lambda segs: Path(Item(), tuple(segs))
        )
    else:
        leaf_paths = st.builds(
            lambda sid, segs: Path(Root(sid), tuple(segs)),
            step_ids,
            st.lists(st.one_of(fields.map(Field), indexes), max_size=3),
        )

    def grow(inner: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
        calls = st.sampled_from(sorted(FUNCTIONS)).flatmap(
            lambda name: st.lists(
                inner, min_size=FUNCTIONS[name][0], max_size=min(FUNCTIONS[name][1], 3)
            ).map(lambda args: Call(name, tuple(args)))
        )
        filtered = st.builds(
            lambda base, predicate: Path(base.base, (*base.segments, Filter(predicate))),
            leaf_paths,
            filter_nodes,
        )
        return st.one_of(
            st.builds(Unary, st.sampled_from(["-", "not"]), inner),
            st.builds(
                Binary,
                st.sampled_from(
                    ["+", "-", "*", "/", "<", "<=", ">", ">=", "==", "!=", "and", "or"]
                ),
                inner,
                inner,
            ),
            st.builds(Member, inner, st.lists(inner, max_size=3).map(tuple), st.booleans()),
            calls,
            filtered,
        )

    return st.recursive(st.one_of(constants, leaf_paths), grow, max_leaves=8)


filter_nodes: st.SearchStrategy[Node] = st.deferred(lambda: _nodes(True))
top_nodes = _nodes(False)


@given(top_nodes)
def test_the_canonical_text_parses_back_to_the_same_tree(tree: Node) -> None:
    text = format_node(tree)
    try:
        parsed = parse_expression(text)
    except ReferenceResolutionError as exc:
        refused = exc.reason
    else:
        assert parsed.tree == tree, text
        assert parse_expression(parsed.canonical).tree == tree
        return
    # Only a tree reading no result at all is refused; never a syntax error.
    assert "reads at least one earlier result" in refused, text


expression_text = st.text(alphabet="abs1_.[]()'\"=<>!-+*/?@ 0123,floceiandtr", max_size=40)


@given(st.one_of(expression_text, st.text(max_size=40)))
def test_any_text_parses_or_raises_only_the_typed_error(text: str) -> None:
    error: ReferenceResolutionError | None = None
    try:
        parsed = parse_embedded(text)
    except ReferenceResolutionError as exc:
        error = exc
    if error is not None:
        assert error.reference == f"${{{text}}}"
        assert error.reason
    else:
        assert str(parsed) in (f"${{{text}}}", parsed.raw)


documents = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(-1000, 1000), st.text(max_size=5),
        st.decimals(min_value=-1000, max_value=1000, places=2).map(str),
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(fields, inner, max_size=4)),
    max_leaves=12,
)  # fmt: skip


@given(top_nodes, documents, documents)
def test_any_expression_on_any_results_evaluates_or_raises_the_typed_error(
    tree: Node, first: Any, second: Any
) -> None:
    text = format_node(tree)
    results = {"s1": first, "a": second}
    error: ReferenceResolutionError | None = None
    try:
        resolved = resolve({"x": f"${{{text}}}", "y": f"<${{{text}}}>"}, results)
    except ReferenceResolutionError as exc:
        error = exc
    if error is not None:
        assert str(error).startswith(error.reference)
    else:
        assert resolved["y"].startswith("<")


numbers = st.decimals(min_value=-(10**6), max_value=10**6, places=3)


@st.composite
def arithmetic(draw: st.DrawFn) -> tuple[str, Decimal | None, dict[str, Any]]:
    """An arithmetic expression over results, its value by Decimal (None: divides by zero)."""
    values: dict[str, Any] = {}

    def build(depth: int) -> tuple[str, Decimal | None]:
        if depth == 0 or draw(st.booleans()):
            number = draw(numbers)
            if draw(st.booleans()) or not values:
                key = f"v{len(values)}"
                values[key] = draw(st.sampled_from([str(number), float(number)]))
                return f"r.{key}", Decimal(
                    repr(values[key]) if isinstance(values[key], float) else values[key]
                )
            return format(abs(number), "f"), abs(number)
        op = draw(st.sampled_from("+-*/"))
        (left, lv), (right, rv) = build(depth - 1), build(depth - 1)
        if lv is None or rv is None:
            return f"({left} {op} {right})", None
        if op == "/" and rv == 0:
            return f"({left} {op} {right})", None
        value = {"+": lv + rv, "-": lv - rv, "*": lv * rv}.get(op) if op != "/" else lv / rv
        return f"({left} {op} {right})", value

    text, value = build(3)
    if not values:  # an expression must read a result
        values["v0"] = 0
        text, value = f"{text} + r.v0", value
    return (
        f"floor({text})",
        None if value is None else value.to_integral_value(ROUND_FLOOR),
        {"r": values},
    )


@given(arithmetic())
def test_arithmetic_agrees_with_decimal_arithmetic(
    case: tuple[str, Decimal | None, dict[str, Any]],
) -> None:
    text, expected, results = case
    reason = ""
    try:
        got = parse_expression(text).evaluate(results)
    except ReferenceResolutionError as exc:
        reason = exc.reason
    if expected is None:
        assert "division by zero" in reason
    else:
        assert got == int(expected)
        assert isinstance(got, int)


@given(
    st.lists(
        st.fixed_dictionaries(
            {"symbol": st.sampled_from(["AAPL", "META", "TSLA"]), "qty": st.integers(1, 50)},
            optional={"status": st.sampled_from(["new", "filled"])},
        ),
        max_size=6,
    ),
    st.sampled_from(["AAPL", "META", "TSLA"]),
)
def test_a_filter_keeps_exactly_the_matching_items(
    items: list[dict[str, Any]], symbol: str
) -> None:
    results = {"orders": {"orders": items}}
    kept = [item for item in items if item["symbol"] == symbol and item.get("status") == "new"]
    test = f"symbol == '{symbol}' and status == 'new'"
    assert resolve(f"${{orders.orders[{test}]}}", results) == kept
    reason = ""
    try:
        got = resolve(f"${{orders.orders[{test}][0].qty}}", results)
    except ReferenceResolutionError as exc:
        reason = exc.reason
    if kept:
        assert got == kept[0]["qty"]
    else:
        assert reason.startswith(f"no item of orders.orders has {test}")
