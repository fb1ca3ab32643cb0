"""The engine's failure texts and conditions, translated into words at the answer boundary."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plangate.graphs.engine.wording import (
    condition_in_words,
    dates_in_words,
    has_plan_syntax,
    number_in_words,
    read_failure,
)

RESULTS: dict[str, Any] = {
    "rsi14": {"symbol": "NVDA", "value": 58.2506, "as_of_date": "2026-02-27"},
    "macd": {"value": -0.9131, "values": {"signal": 0.1674}},
    "quote": {"symbol": "AAPL", "ask_price": "125.42", "status": "open"},
    "find": {"data": []},
}
LABELS = {"find": "the restaurant search", "avail": "the availability check"}


def label(step_id: str) -> str:
    return LABELS.get(step_id, f"the {step_id} step")


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("${rsi14.value} < 30", "the rsi14 step's value is 58.25, not below 30"),
        ("${rsi14.value} >= 60", "the rsi14 step's value is 58.25, not at or above 60"),
        (
            "${macd.value} > ${macd.values.signal}",
            "the macd step's value is -0.91, not above the macd step's signal (0.17)",
        ),
        (
            "${quote.ask_price} < 120 and ${rsi14.value} < 60",
            "the quote step's ask price is 125.42, not below 120",
        ),
        (
            "${quote.ask_price} < 120 or ${rsi14.value} < 50",
            "the quote step's ask price is 125.42, not below 120; "
            "the rsi14 step's value is 58.25, not below 50",
        ),
        ("not ${quote.ask_price} > 120", "the quote step's ask price is 125.42, above 120"),
        ("${quote.status} in ['closed', 'halted']", "the quote step's status is 'open', "
         "not one of 'closed', 'halted'"),
        ("${quote.bid_price} > 1", "the quote step's bid price is not known, not above 1"),
        ("${rsi14.value} <", "its condition could not be read"),
    ],
)  # fmt: skip
def test_a_false_condition_says_what_was_read_and_what_was_asked(
    condition: str, expected: str
) -> None:
    text = condition_in_words(condition, RESULTS, label=label)
    assert text == expected
    assert not has_plan_syntax(text)


@pytest.mark.parametrize(
    ("condition", "results", "expected"),
    [
        ("${len(pos[symbol == 'TSLA'])} == 1 and ${floor(pos[symbol == 'TSLA'][0].qty / 2)} >= 1",
         {"pos": []}, "the number of the pos step with symbol TSLA is 0, not equal to 1"),
        ("${len(orders.orders[symbol == 'META' and status == 'new'])} == 1",
         {"orders": {"orders": [{"symbol": "META", "status": "new"}] * 2}},
         "the number of the orders step with symbol META and status new is 2, not equal to 1"),
        ("${quote.ask_price * 10} < 1000", {"quote": {"ask_price": "125.42"}},
         "the value worked out from the quote step is 1254.2, not below 1000"),
    ],
)  # fmt: skip
def test_a_computed_value_is_said_by_what_it_counts_or_reads(
    condition: str, results: dict[str, Any], expected: str
) -> None:
    text = condition_in_words(condition, results, label=label)
    assert text == expected
    assert not has_plan_syntax(text)


def test_an_agent_names_the_values_and_a_value_of_the_same_thing_is_its() -> None:
    def name(reference: Any, results: Any) -> str | None:
        if reference.step_id == "macd":
            return "AAPL's MACD" + (" signal line" if reference.path[-1] == "signal" else "")
        return None

    text = condition_in_words("${macd.value} > ${macd.values.signal}", RESULTS, name)
    assert text == "AAPL's MACD is -0.91, not above its signal line (0.17)"


@pytest.mark.parametrize(
    ("error", "kind", "reason", "extra"),
    [
        ("${find.data[0].id}: find.data has 0 items", "reference",
         "the restaurant search found nothing", {"step": "find"}),
        ("${find.data[2].id}: find.data has 1 items", "reference",
         "the restaurant search did not give what was needed", {"step": "find"}),
        ("${find.data[0].id}: no result for step find (results exist for: none yet)", "reference",
         "the restaurant search gave no result", {"step": "find"}),
        ("${floor(pos[symbol == 'TSLA'][0].qty / 2)}: no item of pos has symbol == 'TSLA'",
         "reference", "the pos step has nothing with symbol TSLA", {"step": "pos"}),
        ("skipped: depends on avail, which was failed", "dependency",
         "the availability check failed", {"step": "avail"}),
        ("skipped: depends on table, which was rejected", "dependency",
         "the table step was refused", {"step": "table"}),
        ("blocked by max_order_notional: the order is $1,152,550.00, over the $25,000.00 limit",
         "blocked", "the order is $1,152,550.00, over the $25,000.00 limit",
         {"rule": "max_order_notional"}),
        ("rejected by a person: too volatile today", "rejected", "too volatile today", {}),
        ("rejected by a person: no reason given", "rejected", "", {}),
        ("condition: condition '${a.b} < 3': cannot compare", "condition",
         "its condition could not be checked on the results", {}),
        ("unknown ticker 'GME': the market does not list it.", "error",
         "unknown ticker 'GME': the market does not list it.", {}),
        ("the venue said no to ${find.data[0].id}", "error",
         "the venue said no to the restaurant search's id", {}),
    ],
)  # fmt: skip
def test_a_failure_is_sorted_and_said_in_words(
    error: str, kind: str, reason: str, extra: dict[str, str]
) -> None:
    failure = read_failure(error, label)
    assert (failure.kind, failure.reason) == (kind, reason)
    for key, value in extra.items():
        assert getattr(failure, key) == value
    assert not has_plan_syntax(failure.reason)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("next open at 2026-03-09T13:30:00Z.", "next open at Monday 9 March, 13:30 UTC."),
        ("on Friday 2026-03-13 at 21:00", "on Friday 13 March at 21:00"),
        ("(2026-03-16T07:10+00:00–2026-03-16T10:30+01:00)", "(Monday 16 March, 07:10–10:30)"),
        ("'Team standup' (2026-03-16T09:15+00:00–09:30)", "'Team standup' (Monday 16 March, 09:15–09:30)"),
        ("2026-03-09T13:30:00Z-2026-03-09T15:00:00Z", "Monday 9 March, 13:30–15:00 UTC"),
        ("2026-03-14T19:00 to 2026-03-15T10:00:00+01:00",
         "Saturday 14 March, 19:00 to Sunday 15 March, 10:00"),
        ("as of 2026-02-27", "as of Friday 27 February"),
        ("not a date: 2026-13-45", "not a date: 2026-13-45"),
        ("no dates here", "no dates here"),
    ],
)  # fmt: skip
def test_dates_are_said_as_a_person_says_them(text: str, expected: str) -> None:
    assert dates_in_words(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (58.2506, "58.25"), (Decimal("125.42"), "125.42"), (-0.9131, "-0.91"), (30, "30"),
        ("129.90", "129.90"), (0.004, "0.004"), (None, "nothing"), (True, "true"),
        ("open", "'open'"),
    ],
)  # fmt: skip
def test_numbers_read_to_two_decimals_at_most(value: Any, expected: str) -> None:
    assert number_in_words(value) == expected


@pytest.mark.parametrize(
    ("text", "syntax"),
    [
        ("${rsi14.value} < 30", True), ("$${literal}", True), ("RSI 58 < 30", True),
        ("a == b", True), ("NVDA's RSI(14) is 58.25, not below 30", False),
        ("LIS → CDG, 07:10–10:30", False), ("order notional 5000 × $230.51", False),
    ],
)  # fmt: skip
def test_plan_syntax_is_recognised(text: str, syntax: bool) -> None:
    assert has_plan_syntax(text) is syntax


OPERATORS = st.sampled_from(["<", "<=", ">", ">=", "==", "!="])
NUMBERS = st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False)


@given(
    st.lists(st.tuples(OPERATORS, NUMBERS, NUMBERS), min_size=1, max_size=3),
    st.sampled_from([" and ", " or "]),
)
def test_no_condition_reads_back_with_its_syntax(
    parts: list[tuple[str, Decimal, Decimal]], joiner: str
) -> None:
    results = {f"s{index}": {"value": str(left)} for index, (_, left, _) in enumerate(parts)}
    condition = joiner.join(
        f"${{s{index}.value}} {op} {right}" for index, (op, _, right) in enumerate(parts)
    )
    text = condition_in_words(condition, results)
    assert not has_plan_syntax(text), text
    assert "${" not in text
