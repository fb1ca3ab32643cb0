"""The trade report: it validates, and every figure and order in it is a tool result."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from plangate.agents.catalog import agent_spec
from plangate.agents.trading.answer import answer
from plangate.agents.trading.response import TradeReport
from plangate.agents.trading.spec import SPEC
from tests.agents.trading.trading_world import Outcome, World, figure_value, make_world, results_of

REQUESTS = [
    "Buy 10 shares of AAPL",
    "Buy 10 NVDA if its 14-day RSI is below 30",
    "Show my portfolio",
    "Show the last 10 daily bars of AAPL",
    "Show the 50-day SMA and MACD for Apple",
    "RSI for Visa and Mastercard",
    "Quotes for Microsoft and Nvidia",
    "Buy $5,000 of AAPL",
]


def assert_figures_are_tool_results(outcome: Outcome) -> None:
    report = outcome.report
    assert TradeReport.model_validate(report.model_dump(mode="json")) == report
    results = results_of(outcome.result)
    for figure in report.figures:
        assert Decimal(str(figure_value(outcome.result, figure.source))) == figure.value, figure
        root = results[figure.source.split(".")[0].split("[")[0]]
        if isinstance(root, dict) and "bars" in root:
            assert figure.as_of in {bar["t"] for bar in root["bars"]}
        elif isinstance(root, dict) and ("as_of_date" in root or "timestamp" in root):
            assert figure.as_of == (root.get("as_of_date") or root.get("timestamp"))
        else:
            assert figure.as_of is None  # the account and positions carry no date
    for order in report.orders:
        booked = figure_value(outcome.result, order.source)
        assert (order.id, order.qty, order.status.value) == (
            booked["id"], booked["qty"], booked["status"],
        )  # fmt: skip
        assert order.fill_price == (
            Decimal(booked["filled_avg_price"]) if booked["filled_avg_price"] else None
        )
    assert "\n" not in report.summary


@pytest.mark.parametrize("request_", REQUESTS)
async def test_every_figure_of_the_report_is_a_tool_result(world: World, request_: str) -> None:
    await world.trade("AAPL", "buy", 10, "setup-aapl")  # so positions and orders have rows
    outcome = await world.ask(request_)
    assert outcome.report.figures
    assert_figures_are_tool_results(outcome)


async def test_portfolio_figures_name_the_position_they_come_from(world: World) -> None:
    await world.trade("AAPL", "buy", 10, "setup-aapl")
    report = (await world.ask("Show my portfolio")).report
    held = next(f for f in report.figures if f.name == "qty held")
    assert (held.symbol, held.value, held.source, held.as_of) == (
        "AAPL",
        10,
        "positions[0].qty",
        None,
    )
    cash = next(f for f in report.figures if f.name == "cash")
    assert cash.value == (await world.broker.get_account()).cash
    assert report.summary.startswith(f"You have ${cash.value:,} in cash")


@pytest.mark.parametrize(
    ("request_", "fires"),
    [
        ("Buy 10 NVDA if its 14-day RSI is below 60", True),  # RSI(14) is 58.25
        ("Buy 10 NVDA if its 14-day RSI is below 50", False),
        ("Buy 1 share of AAPL if the price is below $130", True),  # the ask is 125.42
        ("Buy 1 share of AAPL if the price is below $120", False),
        ("Buy 2 META if MACD is above the signal line", True),  # MACD 3.94 > signal -1.69
        ("Buy 2 AAPL if MACD is above the signal line", False),  # MACD -0.91 < signal 0.17
    ],
)
async def test_a_conditional_order_runs_only_when_its_condition_holds(
    world: World, request_: str, fires: bool
) -> None:
    outcome = await world.ask(request_)
    assert bool(outcome.asked) is fires
    assert len(await world.orders()) == int(fires)
    report = outcome.report
    if fires:
        assert len(report.placed()) == 1
    else:
        assert outcome.result.steps["order"]["status"] == "skipped"
        (skip,) = report.skipped
        assert skip.reason == "condition_false"
        assert "${" not in skip.detail
        assert ", not " in skip.detail  # "NVDA's RSI(14) is 58.25, not below 50 (as of ...)"
        assert report.summary.startswith(skip.detail.split(" (as of")[0])
        assert_figures_are_tool_results(outcome)


async def test_an_amount_of_money_is_priced_in_whole_shares_without_ordering(world: World) -> None:
    outcome = await world.ask("Buy $5,000 of AAPL")
    assert outcome.asked == []
    assert await world.orders() == []
    (skip,) = outcome.report.skipped
    assert (skip.reason, skip.notional, skip.suggested_qty, skip.qty) == (
        "needs_shares", Decimal(5000), 39, None,
    )  # fmt: skip
    assert "$5,000 buys 39 whole shares of AAPL at the ask of $125.42" in skip.detail
    assert 'ask: "Buy 39 shares of AAPL"' in skip.detail


async def test_a_sell_amount_is_priced_at_the_bid(world: World) -> None:
    (skip,) = (await world.ask("sell $3,000 worth of Apple")).report.skipped
    assert (skip.side.value, skip.suggested_qty) == ("sell", 23)  # 3000 / 125.36
    assert "at the bid of $125.36" in skip.detail


async def test_a_market_order_while_the_market_is_closed_reports_the_brokers_refusal() -> None:
    world = make_world(at=datetime(2026, 3, 7, 15, 0, tzinfo=UTC))  # a Saturday
    outcome = await world.ask("Buy 10 shares of AAPL")
    assert len(outcome.asked) == 1
    (skip,) = outcome.report.skipped
    assert skip.reason == "failed"
    assert "market is closed" in skip.detail
    assert await world.orders() == []


async def test_an_unlisted_symbol_is_reported_as_a_problem(world: World) -> None:
    outcome = await world.ask("What's the price of GME?")
    (problem,) = outcome.report.problems
    assert (problem.step_id, problem.tool) == ("quote", "get_quote")
    assert "unknown ticker 'GME'" in problem.detail
    assert outcome.report.figures == []


async def test_research_passages_cite_their_note(world: World) -> None:
    report = (await world.ask("What do the notes say about NVDA risks?")).report
    assert {note.source for note in report.notes} == {"research/nvda.md"}
    assert any(note.title.endswith("Risks") for note in report.notes)
    whole = (await world.ask("Read the research note on AMD")).report
    (note,) = whole.notes
    assert note.source == "research/amd.md"
    assert len(note.excerpt) <= 600


async def test_requests_outside_the_grammar_fail_saying_what_is_understood(world: World) -> None:
    outcome = await world.ask("sing me a song")
    assert outcome.result.status == "failed"
    assert outcome.result.error is not None
    message = outcome.result.error["message"]
    assert "does not understand 'sing me a song'" in message
    assert "Buy or sell shares at the market or at a limit price" in message
    unclear = await world.ask("buy some Apple")
    assert unclear.result.error is not None
    assert "not how many shares" in unclear.result.error["message"]


def test_the_answer_works_from_records_alone() -> None:
    steps = {
        "quote": {"tool": "get_quote", "status": "done", "result": {
            "symbol": "NVDA", "bid_price": "230.41", "bid_size": 100, "ask_price": "230.51",
            "ask_size": 200, "timestamp": "2026-03-02T15:00:00Z"}},
        "order": {"tool": "place_order", "status": "rejected",
                  "error": "rejected by a person: not today"},
    }  # fmt: skip
    report = answer("Buy 10 NVDA", steps)
    (skip,) = report.skipped
    assert (skip.symbol, skip.qty, skip.reason) == ("NVDA", 10, "rejected")
    assert [f.source for f in report.figures] == ["quote.bid_price", "quote.ask_price"]


def test_a_report_summary_is_one_line() -> None:
    with pytest.raises(ValidationError, match="one line"):
        TradeReport(summary="first\nsecond")


def test_the_catalog_finds_the_trading_spec() -> None:
    assert agent_spec("trading") is SPEC
    assert SPEC.response_model is TradeReport
    assert len(SPEC.tools) == 10
