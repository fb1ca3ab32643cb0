"""Declarative argument rules: ``Check``, ``Rule`` and the ``PolicyRules`` guardrail."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from plangate.graphs.guards.guardrails import Action, GuardSubject, Stage
from plangate.graphs.guards.policy import OPERATORS, Check, PolicyRules, Rule, lookup
from plangate.tools.base import tool
from plangate.tools.errors import UsageError


@tool(effect="write")
def book_table(venue: str, party_size: int, notes: str | None = None) -> str:
    """Book a table."""
    return venue


@tool(effect="write")
def place_order(symbol: str, quantity: int, side: str) -> str:
    """Place an order."""
    return symbol


PARTY = Rule(
    tool="book_table",
    field="party_size",
    op="<=",
    value=12,
    message="Parties over 12 need the events team",
)


def _call(t: Any, args: dict[str, Any]) -> GuardSubject:
    return GuardSubject(Stage.TOOL_CALL, tool=t, args=args, step_id="s1")


# -- lookup and Check --------------------------------------------------------------------------


def test_lookup_follows_dotted_paths_and_list_indices() -> None:
    args = {"price": {"amount": "12.50"}, "legs": [{"date": "2025-05-01"}]}
    assert lookup(args, "price.amount") == "12.50"
    assert lookup(args, "legs.0.date") == "2025-05-01"
    assert not Check("legs.3.date", "==", "x").is_present(args)
    assert not Check("price.currency", "==", "x").is_present(args)


@pytest.mark.parametrize(
    ("op", "value", "actual", "expected"),
    [
        ("<", 10, 9, True),
        ("<", 10, 10, False),
        ("<=", 10, "10", True),  # numeric strings compare as numbers
        (">", "0.1", 0.2, True),
        (">=", Decimal("100.00"), "100", True),
        ("<=", 0.3, 0.1 + 0.2, False),  # floats go through str(): 0.30000000000000004 > 0.3
        ("==", 12, "12.0", True),
        ("!=", 12, 13, True),
        ("==", "AAPL", "AAPL", True),
        ("==", "12", 12, False),  # a string literal compares as a string
        ("in", ["AAPL", "MSFT"], "MSFT", True),
        ("not in", ["GME", "AMC"], "GME", False),
        ("in", [1, 2], "2", True),
        ("<", 10, "ten", False),  # a value that is not a number fails an ordering
        ("<", 10, True, False),  # and so does a bool
    ],
)
def test_check_semantics(op: str, value: Any, actual: Any, expected: bool) -> None:
    assert Check("x", op, value).holds({"x": actual}) is expected


@pytest.mark.parametrize(
    ("field", "op", "value", "message"),
    [
        ("x", "=~", 1, "unknown rule operator"),
        ("x", "<", "many", "needs a number"),
        ("x", "<", None, "needs a number"),
        ("x", "in", "AAPL", "needs a list"),
        ("x", "not in", 5, "needs a list"),
        ("", "==", 1, "dotted path"),
        ("a..b", "==", 1, "dotted path"),
    ],
)
def test_bad_checks_are_usage_errors(field: str, op: str, value: Any, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        Check(field, op, value)


def test_operator_list() -> None:
    assert set(OPERATORS) == {"<", "<=", ">", ">=", "==", "!=", "in", "not in"}


# -- Rule --------------------------------------------------------------------------------------


def test_bad_rules_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="block or require_approval"):
        Rule("book_table", "party_size", "<=", 12, "too big", action=Action.MODIFY)
    with pytest.raises(UsageError, match="message"):
        Rule("book_table", "party_size", "<=", 12, " ")
    with pytest.raises(UsageError, match="unknown rule operator"):
        Rule("book_table", "party_size", "=<", 12, "too big")
    with pytest.raises(UsageError, match="on_missing"):
        Rule("book_table", "party_size", "<=", 12, "too big", on_missing="skip")  # type: ignore[arg-type]


def test_a_missing_field_violates_by_default() -> None:
    assert PARTY.is_violated_by({"venue": "x"})


def test_a_missing_field_can_be_ignored() -> None:
    rule = Rule("book_table", "notes", "!=", "VIP", "no VIP notes", on_missing="ignore")
    assert not rule.is_violated_by({"venue": "x"})
    assert rule.is_violated_by({"notes": "VIP"})


def test_when_limits_the_rule() -> None:
    rule = Rule(
        "place_order",
        "quantity",
        "<=",
        100,
        "sells are capped at 100",
        when=Check("side", "==", "sell"),
    )
    assert rule.is_violated_by({"side": "sell", "quantity": 500})
    assert not rule.is_violated_by({"side": "buy", "quantity": 500})
    assert not rule.is_violated_by({"quantity": 500})  # the condition's field is absent


# -- PolicyRules -------------------------------------------------------------------------------


async def test_rules_allow_compliant_calls() -> None:
    verdict = await PolicyRules([PARTY]).check(_call(book_table, {"venue": "x", "party_size": 12}))
    assert verdict.action is Action.ALLOW


async def test_the_first_violation_decides() -> None:
    rules = [
        PARTY,
        Rule("book_table", "venue", "not in", ["Closed Bistro"], "That venue is closed"),
    ]
    verdict = await PolicyRules(rules).check(
        _call(book_table, {"venue": "Closed Bistro", "party_size": "14"})
    )
    assert verdict.action is Action.BLOCK
    assert verdict.reason == "Parties over 12 need the events team"
    assert verdict.details == {
        "tool": "book_table",
        "rule": "party_size <= 12",
        "value": "14",
        "missing": False,
    }
    assert verdict.model_dump(mode="json")["details"]["value"] == "14"


async def test_rules_can_require_approval() -> None:
    rule = Rule(
        "place_order",
        "quantity",
        "<",
        1000,
        "Large orders need a second pair of eyes",
        action=Action.REQUIRE_APPROVAL,
    )
    verdict = await PolicyRules([rule]).check(
        _call(place_order, {"symbol": "ACME", "quantity": 1000, "side": "buy"})
    )
    assert verdict.action is Action.REQUIRE_APPROVAL
    assert verdict.reason == "Large orders need a second pair of eyes"


async def test_rules_for_other_tools_do_not_apply() -> None:
    verdict = await PolicyRules([PARTY]).check(
        _call(place_order, {"symbol": "ACME", "quantity": 5, "side": "buy"})
    )
    assert verdict.action is Action.ALLOW


async def test_missing_fields_fail_closed_in_the_guardrail() -> None:
    verdict = await PolicyRules([PARTY]).check(_call(book_table, {"venue": "x"}))
    assert verdict.action is Action.BLOCK
    assert verdict.details["missing"] is True
    assert verdict.details["value"] is None


async def test_restricted_symbols() -> None:
    rule = Rule("place_order", "symbol", "not in", ["GME", "AMC"], "GME and AMC are restricted")
    guard = PolicyRules([rule], name="restricted_symbols")
    blocked = await guard.check(_call(place_order, {"symbol": "GME", "quantity": 1, "side": "buy"}))
    assert blocked.guardrail == "restricted_symbols"
    assert blocked.action is Action.BLOCK
    allowed = await guard.check(
        _call(place_order, {"symbol": "MSFT", "quantity": 1, "side": "buy"})
    )
    assert allowed.action is Action.ALLOW


def test_policy_rules_take_rule_objects() -> None:
    with pytest.raises(UsageError, match="Rule objects"):
        PolicyRules([("book_table", "party_size", "<=", 12)])  # type: ignore[list-item]
