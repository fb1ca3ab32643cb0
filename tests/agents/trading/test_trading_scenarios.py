"""The scripted demo scenarios, end to end offline: approvals, the broker's books, the report."""

from __future__ import annotations

import pytest

from plangate.demos.scenarios.base import Scenario
from plangate.demos.scenarios.trading import SCENARIOS
from tests.agents.trading.trading_world import World

# scenario → (what happens to the order, broker status of the order placed)
EXPECTED: dict[str, tuple[str, str | None]] = {
    "buy_apple": ("placed", "filled"),
    "rsi_dip_nvidia": ("condition_false", None),
    "rsi_dip_exxon": ("placed", "filled"),
    "limit_microsoft": ("placed", "new"),
    "over_the_limit": ("blocked_by_policy", None),
    "restricted_symbol": ("blocked_by_policy", None),
    "rejected_by_user": ("rejected", None),
}
LOOKS = ("quote", "research", "positions", "account")


def test_the_scenarios_are_as_the_demo_promises() -> None:
    assert {s.name for s in SCENARIOS} == set(EXPECTED)
    assert all(isinstance(s, Scenario) for s in SCENARIOS)
    due = [s for s in SCENARIOS if EXPECTED[s.name][0] in ("placed", "rejected")]
    assert len(due) >= 3  # multi-step scenarios that pause for approval
    assert any(EXPECTED[s.name][0] == "placed" for s in SCENARIOS)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
async def test_a_scenario_runs_pauses_where_an_order_is_due_and_books_it(
    world: World, scenario: Scenario
) -> None:
    fate, status = EXPECTED[scenario.name]
    outcome = await world.ask(scenario.request, "approve" if scenario.approve else "reject")
    report = outcome.report
    steps = outcome.result.steps
    assert all(steps[look]["status"] == "done" for look in LOOKS)  # looked before the order
    due = fate in ("placed", "rejected")
    assert [a["id"] for a in outcome.asked] == (["order"] if due else [])
    assert all(a["tool"] == "place_order" for a in outcome.asked)
    orders = await world.orders()
    approved = len(outcome.asked) if scenario.approve else 0
    assert len(orders) == approved  # exactly one order per approved step, none otherwise
    if fate == "placed":
        (placed,) = report.placed()
        (booked,) = orders
        assert (placed.id, placed.symbol, placed.qty) == (booked.id, booked.symbol, booked.qty)
        assert placed.status.value == booked.status.value == status
        assert placed.fill_price == booked.filled_avg_price
        assert report.skipped == []
        assert report.summary.startswith(("Bought", "Sold", "Placed an order"))
    else:
        assert report.orders == []
        (skip,) = report.skipped
        assert skip.reason == fate
        assert skip.detail in report.summary


async def test_buy_apple_fills_at_the_ask_the_report_quotes(world: World) -> None:
    outcome = await world.ask("Buy 10 shares of AAPL")
    report = outcome.report
    (order,) = report.placed()
    ask = next(f for f in report.figures if f.name == "ask" and f.symbol == "AAPL")
    assert order.fill_price == ask.value
    assert order.source == "order"
    plan = outcome.result.plan
    assert plan is not None
    assert {s["id"] for s in plan["steps"]} == {*LOOKS, "order"}


async def test_the_conditional_scenarios_show_the_indicator_that_decided(world: World) -> None:
    nvidia = (await world.ask("Buy 10 NVDA if its 14-day RSI is below 30")).report
    (skip,) = nvidia.skipped
    rsi = next(f for f in nvidia.figures if f.name == "RSI(14)")
    assert rsi.value > 30
    assert (rsi.symbol, rsi.as_of, rsi.source) == ("NVDA", "2026-02-27", "rsi14.value")
    assert f"NVDA's RSI(14) is {rsi.value:.2f}, not below 30" in skip.detail
    exxon = (await world.ask("Buy 20 shares of Exxon if its 14-day RSI is below 30")).report
    assert next(f for f in exxon.figures if f.name == "RSI(14)").value < 30
    assert [o.symbol for o in exxon.placed()] == ["XOM"]


async def test_a_rejected_order_names_the_persons_reason(world: World) -> None:
    no = {"action": "reject", "reason": "too volatile today"}
    outcome = await world.ask("Buy 3 shares of Nvidia", no)
    (skip,) = outcome.report.skipped
    assert skip.reason == "rejected"
    assert "too volatile today" in skip.detail
    assert await world.orders() == []
