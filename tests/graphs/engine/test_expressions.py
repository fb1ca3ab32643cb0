"""Expressions inside ``${...}``: filters, arithmetic, functions, dates, and their errors."""

from __future__ import annotations

from typing import Any

import pytest

from plangate.graphs.engine.conditions import parse_condition
from plangate.graphs.engine.expressions import Expression, ExpressionSyntaxError, parse_expression
from plangate.graphs.engine.references import (
    Reference,
    ReferenceResolutionError,
    find_references,
    parse_embedded,
    parse_template,
    resolve,
)

RESULTS: dict[str, Any] = {
    "positions": [
        {"symbol": "AAPL", "qty": 4, "avg_entry_price": "180.25"},
        {"symbol": "TSLA", "qty": 7, "avg_entry_price": "201.50"},
        {"symbol": "NVDA", "qty": 1, "avg_entry_price": "900.00"},
    ],
    "orders": {
        "orders": [
            {"id": "o1", "symbol": "MSFT", "status": "new", "qty": 3},
            {"id": "o2", "symbol": "META", "status": "filled", "qty": 5},
            {"id": "o3", "symbol": "META", "status": "new", "qty": 2},
        ],
        "next_page_token": None,
    },
    "quote": {"symbol": "TSLA", "bid_price": "199.80", "ask_price": 200.1, "halted": False},
    "flight": {"arrive_at": "2026-03-04T23:40:00-05:00", "depart_at": "2026-03-04T18:05:00Z"},
}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("floor(positions[symbol == 'TSLA'][0].qty / 2)", 3),
        ("ceil(positions[symbol == 'TSLA'][0].qty / 2)", 4),
        ("floor(positions[symbol == 'NVDA'][0].qty / 2)", 0),
        ("floor(positions[symbol == 'TSLA'][0].qty * 25 / 100)", 1),
        ("orders.orders[symbol == 'META' and status == 'new'][0].id", "o3"),
        ("orders.orders[?symbol=='META'][0].id", "o2"),
        ('orders.orders[status == "new"][-1].id', "o3"),
        ("orders.orders[status == 'new'][symbol == 'META'][0].qty", 2),
        ("len(orders.orders[status == 'new'])", 2),
        ("len(orders.orders[symbol == 'NFLX'])", 0),
        ("orders.orders[qty > 2 and not (status in ['filled'])][0].id", "o1"),
        ("positions[1].avg_entry_price * 2", 403),
        ("round(positions[1].avg_entry_price / 3, 2)", 67.17),
        ("round(quote.ask_price)", 200),
        ("quote.ask_price - quote.bid_price", 0.3),
        ("-positions[0].qty + 10", 6),
        ("abs(0 - positions[0].qty)", 4),
        ("min(positions[0].qty, positions[1].qty, 5)", 4),
        ("max(positions[0].qty, positions[1].qty)", 7),
        ("floor(500 / quote.ask_price)", 2),
        ("date(flight.arrive_at)", "2026-03-04"),
        ("time(flight.arrive_at)", "23:40"),
        ("date(flight.depart_at)", "2026-03-04"),
        ("quote.ask_price > 200 and not quote.halted", True),
        ("positions[symbol == 'TSLA'][0]", RESULTS["positions"][1]),
        ("positions[@.qty >= 4]", RESULTS["positions"][:2]),
    ],
)
def test_an_expression_computes_its_value(text: str, value: Any) -> None:
    got = parse_expression(text).evaluate(RESULTS)
    assert got == value
    assert type(got) is type(value)


def test_an_exact_expression_keeps_its_type_and_an_interpolated_one_becomes_text() -> None:
    args = {
        "qty": "${floor(positions[symbol == 'TSLA'][0].qty / 2)}",
        "note": "sell ${floor(positions[symbol == 'TSLA'][0].qty / 2)} of ${quote.symbol}",
        "day": "${date(flight.arrive_at)}",
        "limit": "${round(quote.ask_price * 0.99, 2)}",
    }
    assert resolve(args, RESULTS) == {
        "qty": 3, "note": "sell 3 of TSLA", "day": "2026-03-04", "limit": 198.1,
    }  # fmt: skip


def test_a_plain_path_stays_a_reference_and_anything_more_is_an_expression() -> None:
    plain = parse_embedded("orders.orders[0].id")
    assert type(plain) is Reference
    computed = parse_embedded("orders.orders[status == 'new'][0].id")
    assert isinstance(computed, Expression)
    assert isinstance(computed, Reference)  # read wherever references are read
    assert (computed.step_id, computed.path) == ("orders", ("orders",))
    assert str(computed) == "${orders.orders[status == 'new'][0].id}"


def test_an_expression_names_every_result_it_reads() -> None:
    expression = parse_expression(
        "min(positions[symbol == 'TSLA'][0].qty, account.cash / quote.ask)"
    )
    assert [(ref.step_id, ref.path) for ref in expression.references] == [
        ("positions", ()), ("account", ("cash",)), ("quote", ("ask",)),
    ]  # fmt: skip
    found = find_references({"a": ["${floor(s1.x / 2)}", "${s2.y} and ${len(s3[a == 1])}"]})
    assert [ref.step_id for ref in found] == ["s1", "s2", "s3"]


def test_a_brace_inside_quotes_belongs_to_the_expression() -> None:
    parts = parse_template("id ${orders.orders[symbol == '}'][0].id} end")
    assert parts[0] == "id "
    assert parts[2] == " end"
    assert isinstance(parts[1], Expression)


def test_a_condition_may_test_an_expression() -> None:
    condition = parse_condition("${floor(positions[symbol == 'NVDA'][0].qty / 2)} >= 1")
    assert condition.evaluate(RESULTS) is False
    assert [ref.step_id for ref in condition.references] == ["positions"]
    assert parse_condition("${len(orders.orders[symbol == 'META'])} > 1").evaluate(RESULTS)


def test_the_trace_names_the_item_a_filter_picked() -> None:
    traced = parse_expression("orders.orders[symbol == 'META' and status == 'new'][0].id").trace(
        RESULTS
    )
    assert traced.where == Reference("orders", ("orders", 2, "id"))
    computed = parse_expression("floor(positions[symbol == 'TSLA'][0].qty / 2)").trace(RESULTS)
    assert computed.where is None
    assert computed.reads == (Reference("positions", (1, "qty")),)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("orders.orders[symbol == 'NFLX'][0].id", "no item of orders.orders has symbol == 'NFLX'"),
        (
            "orders.orders[sym == 'META'][0].id",
            "no item of orders.orders has sym == 'META'; items have no field 'sym' "
            "(fields: id, qty, status, symbol)",
        ),
        (
            "orders.orders[symbol == 'META'][2].id",
            "only 2 items of orders.orders have symbol == 'META'; [2] is out of range",
        ),
        (
            "positions[0].symbol * 2",
            "* needs a number, but positions[0].symbol is the string 'AAPL'",
        ),
        ("positions[0].qty / 0", "division by zero"),
        (
            "positions[0].qty / (positions[0].qty - 4)",
            "division by zero: positions[0].qty - 4 is 0",
        ),
        ("orders[0]", "orders is an object, not a list"),
        ("orders.orders[qty]", "a filter needs true or false, but qty is the number 3"),
        ("positions[symbol == 'AAPL'].qty", "positions[symbol == 'AAPL'] is a list, not an object"),
        ("date(positions[0].qty)", "date() needs an ISO date and time as text, not the number 4"),
        ("time(quote.symbol)", "time() needs an ISO date and time like"),
        ("min(orders.orders[symbol == 'X'])", "min() of an empty list"),
        ("round(quote.ask_price, 0.5)", "round()'s digits must be a whole number from 0 to 10"),
        ("quote.ask_price > 'abc'", "cannot compare the number 200.1 with the string 'abc'"),
        ("missing.x + 1", "no result for step missing (results exist for:"),
        ("quote.halted + 1", "+ needs a number, but quote.halted is false"),
    ],
)
def test_an_expression_that_cannot_be_evaluated_says_why(text: str, reason: str) -> None:
    with pytest.raises(ReferenceResolutionError) as info:
        resolve({"arg": f"${{{text}}}"}, RESULTS)
    assert info.value.reference == f"${{{text}}}"
    assert reason in info.value.reason
    assert info.value.model_visible is True


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("floor(s1.x", "expected ',' or ')', found the end"),
        ("floor(s1.x, 2)", "expected 1 argument to floor(), found 2"),
        ("sqrt(s1.x)", "expected a function (floor, ceil, round"),
        ("s1.x = 2", "expected '==' to compare"),
        ("s1[symbol == 'A'", "expected ']' closing the '[' at column 3"),
        ("@.x", "'@' (the item) is only meaningful in a filter"),
        ("s1.x +", "column 7: expected a value"),
        ("s1.x == 'abc", "expected ' closing the string"),
        ("Step.x * 2", "expected a step id (lowercase letter"),
        ("s1.x ** 2", "expected a value"),
        ("s1.x[1.5]", None),
    ],
)
def test_a_malformed_expression_is_a_syntax_error_with_a_column(
    text: str, fragment: str | None
) -> None:
    if fragment is None:  # parses; fails only on evaluation
        parse_expression(text)
        return
    with pytest.raises(ExpressionSyntaxError) as info:
        parse_expression(text)
    assert fragment in str(info.value)
    assert isinstance(info.value, ReferenceResolutionError)


def test_an_expression_reads_at_least_one_result() -> None:
    with pytest.raises(ReferenceResolutionError, match="reads at least one earlier result"):
        resolve("${1 + 2}", RESULTS)


def test_text_made_of_path_characters_keeps_the_path_message() -> None:
    with pytest.raises(ReferenceResolutionError, match=r"write \.field or \[index\]"):
        resolve("${s1.}", {"s1": {}})
