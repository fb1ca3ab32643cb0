"""The rule language's terms and checks, one by one, evaluated directly."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from plangate.graphs.guards.rule_checks import (
    AllOf,
    AnyOf,
    Compare,
    In,
    Matches,
    Not,
    Present,
    StartsWith,
)
from plangate.graphs.guards.rule_lookups import Lookup
from plangate.graphs.guards.rule_measures import Arith, Duration, Length, Now, Sum, Today, days
from plangate.graphs.guards.rule_terms import (
    Arg,
    Const,
    Evaluation,
    Item,
    Predicate,
    RuleEvaluationError,
    Term,
)
from plangate.tools.errors import UsageError
from tests.graphs.guards.rule_airline import NOW


def ev(**args: Any) -> Evaluation:
    return Evaluation(args, NOW)


async def value(term: Term, **args: Any) -> Any:
    return await term.evaluate(ev(**args))


async def holds(check: Predicate, **args: Any) -> bool:
    return await check.holds(ev(**args))


async def test_fields_follow_dotted_paths_and_say_what_is_missing() -> None:
    args = {"price": {"amount": "129.90"}, "legs": [{"date": "2026-05-02"}]}
    assert await value(Arg("price.amount"), **args) == "129.90"
    assert await value(Arg("legs.0.date"), **args) == "2026-05-02"
    with pytest.raises(RuleEvaluationError, match=r"argument 'legs\.1\.date' is missing"):
        await value(Arg("legs.1.date"), **args)


async def test_numbers_compare_as_decimals_whatever_their_spelling() -> None:
    assert await holds(Compare(Arg("amount"), "==", Const(129.9)), amount="129.90")
    assert await holds(Compare(Arg("a"), "<", Arg("b")), a="9", b=10)  # not as text
    assert await holds(Compare(Arg("a"), "==", Const(0.3)), a=0.3)
    assert not await holds(Compare(Arg("a"), ">", Const(12)), a="12")


async def test_comparing_what_cannot_meet_is_undecidable_not_false() -> None:
    with pytest.raises(RuleEvaluationError, match="cannot compare the text 'abc' with the number"):
        await holds(Compare(Arg("a"), "<", Const(3)), a="abc")
    with pytest.raises(RuleEvaluationError, match="cannot order null"):
        await holds(Compare(Arg("a"), "<", Const(3)), a=None)
    assert await holds(Compare(Arg("a"), "==", Const(None)), a=None)
    assert await holds(Compare(Arg("a"), "!=", Const(True)), a=False)


async def test_counting_and_summing_with_a_filter() -> None:
    positions = [
        {"symbol": "AAPL", "qty": 10},
        {"symbol": "MSFT", "qty": 3},
        {"symbol": "AAPL", "qty": "5"},
    ]
    mine = Compare(Item("symbol"), "==", Arg("symbol"))
    assert await value(Sum(Arg("positions"), "qty", mine), positions=positions, symbol="AAPL") == 15
    assert await value(Length(Arg("positions"), mine), positions=positions, symbol="MSFT") == 1
    assert await value(Length(Arg("name")), name="Ana") == 3
    assert await value(Sum(Arg("xs")), xs=[1, "2.5"]) == Decimal("3.5")
    with pytest.raises(RuleEvaluationError, match="an item's qty is not a number"):
        await value(Sum(Arg("xs"), "qty"), xs=[{"qty": "many"}])
    with pytest.raises(RuleEvaluationError, match="sum needs a list"):
        await value(Sum(Arg("xs")), xs=3)


async def test_dates_and_durations_against_the_clock() -> None:
    ahead = Arith("-", Arg("date"), Today())  # NOW is 2026-05-01
    assert await value(ahead, date="2026-06-01") == timedelta(days=31)
    assert await holds(Compare(ahead, "<=", days(180)), date="2026-10-28")
    assert not await holds(Compare(ahead, "<=", days(180)), date="2026-10-29")
    assert await holds(Compare(Arg("date"), ">=", Today()), date="2026-05-01")
    assert await value(Today()) == date(2026, 5, 1)
    later = Arith("+", Arg("at"), Duration(24, "hours"))
    assert await holds(Compare(later, ">", Now()), at="2026-04-30T13:00:00+00:00")
    assert not await holds(Compare(later, ">", Now()), at="2026-04-30T11:00:00+00:00")
    assert await value(Arith("*", days(2), Const(3))) == timedelta(days=6)
    with pytest.raises(RuleEvaluationError, match="has no time zone"):
        await holds(Compare(Arg("at"), "<", Now()), at="2026-04-30T11:00:00")
    with pytest.raises(RuleEvaluationError, match="cannot calculate"):
        await value(Arith("+", Arg("at"), days(1)), at="soon")
    with pytest.raises(RuleEvaluationError, match="division by zero"):
        await value(Arith("/", Const(1), Arg("n")), n=0)


async def test_text_checks() -> None:
    iban = Matches(Arg("iban"), r"[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}")
    assert await holds(iban, iban="PT50000201231234567890154")
    assert not await holds(iban, iban="PT50 0002")
    card = StartsWith(Arg("payment_id"), ("credit_card_", "gift_card_"))
    assert await holds(card, payment_id="gift_card_2")
    assert not await holds(card, payment_id="certificate_1")
    with pytest.raises(RuleEvaluationError, match="starts_with needs text"):
        await holds(card, payment_id=7)


async def test_membership_in_literals_lists_and_object_keys() -> None:
    assert await holds(In(Arg("n"), (1, 2, 3)), n="2")
    assert not await holds(In(Arg("symbol"), ("GME", "AMC")), symbol="AAPL")
    assert await holds(In(Arg("id"), Arg("ids")), id="b", ids=["a", "b"])
    assert await holds(In(Arg("id"), Arg("cards")), id="c1", cards={"c1": {}, "c2": {}})
    with pytest.raises(RuleEvaluationError, match="in needs a list"):
        await holds(In(Arg("id"), Arg("ids")), id="b", ids="abc")


async def test_present_tells_absent_from_undecidable() -> None:
    assert await holds(Present(Arg("a")), a=0)
    assert not await holds(Present(Arg("a")), a=None)
    assert not await holds(Present(Arg("a")))
    with pytest.raises(RuleEvaluationError, match="has no tools to read from"):
        await holds(Present(Lookup("get_user", {}, "name")))


async def test_all_and_any_stop_at_the_deciding_operand() -> None:
    broken = Compare(Arg("missing"), "==", Const(1))
    yes, no = Compare(Const(1), "==", Const(1)), Compare(Const(1), "==", Const(2))
    assert not await holds(AllOf(no, broken))
    assert await holds(AnyOf(yes, broken))
    with pytest.raises(RuleEvaluationError):
        await holds(AllOf(yes, broken))
    with pytest.raises(RuleEvaluationError):
        await holds(Not(broken))  # not of undecidable is undecidable, never true


def test_bad_building_blocks_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="unknown comparison '=<'"):
        Compare(Const(1), "=<", Const(2))
    with pytest.raises(UsageError, match="not a regular expression"):
        Matches(Arg("a"), "(")
    with pytest.raises(UsageError, match="non-empty text prefixes"):
        StartsWith(Arg("a"), ("",))
    with pytest.raises(UsageError, match="in needs a list of values"):
        In(Arg("a"), "GME")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="a constant is text, a number"):
        Const([1, 2])
    with pytest.raises(UsageError, match="dotted path"):
        Arg("a..b")
    with pytest.raises(UsageError, match="a duration is a number of days"):
        Duration(3, "weeks")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="all needs at least one check"):
        AllOf()
