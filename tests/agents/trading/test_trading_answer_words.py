"""The trade report's summary reads like an answer: the answer first, in words, nothing else.

A table of requests runs offline end to end; every summary is checked for what must never be
in an answer (plan syntax, counts of results, ISO timestamps, account figures nobody asked
for), and a handful are pinned word for word.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from plangate.agents.trading.answer import answer
from plangate.agents.trading.response import TradeReport
from plangate.graphs.engine.wording import has_plan_syntax
from tests.agents.trading.trading_world import Decision, World, make_world

REJECT = {"action": "reject", "reason": "too volatile today"}
# (request, decision, how the summary starts)
CASES: list[tuple[str, Decision, str]] = [
    ("Buy 10 shares of AAPL", "approve", "Bought 10 AAPL at $125.42 a share"),
    ("Sell 10 shares of AAPL", "approve", "Sold 10 AAPL at $125.36 a share"),
    ("Buy 5 shares of Microsoft at $380 limit", "approve", "Placed an order to buy 5 MSFT"),
    ("Buy 10 NVDA if its 14-day RSI is below 30", "approve", "NVDA's RSI(14) is 58.25, not below 30"),
    ("Buy 1 share of AAPL if the price is below $120", "approve", "AAPL's ask price is 125.42, not below 120"),
    ("Buy 2 AAPL if MACD is above the signal line", "approve", "AAPL's MACD(12,26,9) is -0.91, not above its signal line (0.17)"),
    ("Buy 5000 shares of NVDA", "approve", "I did not buy 5000 NVDA: the trading policy does not allow it"),
    ("Buy 5 shares of Tesla", "approve", "I did not buy 5 TSLA: the trading policy does not allow it"),
    ("Buy 3 shares of Nvidia", REJECT, "I did not buy 3 NVDA: you rejected it (too volatile today)"),
    ("Buy 3 shares of Nvidia", "reject", "I did not buy 3 NVDA: you rejected it"),
    ("Buy $5,000 of AAPL", "approve", "$5,000 buys 39 whole shares of AAPL"),
    ("sell $3,000 worth of Apple", "approve", "$3,000 sells 23 whole shares of AAPL"),
    ("Show my portfolio", "approve", "You have $98,745.80 in cash"),
    ("How much cash do I have?", "approve", "You have $98,745.80 in cash"),
    ("What's the price of AAPL?", "approve", "AAPL is $125.36 bid, $125.42 ask"),
    ("Quotes for Microsoft and Nvidia", "approve", "MSFT is $393.65 bid, $393.81 ask and NVDA is"),
    ("RSI for Visa and Mastercard", "approve", "V's RSI(14) is 60.33 and MA's RSI(14) is 69.30"),
    ("Show the 50-day SMA and MACD for Apple", "approve", "AAPL's SMA(50) is 126.54"),
    ("Show the last 10 daily bars of AAPL", "approve", "AAPL last closed at $125.71 on Friday"),
    ("What's the price of GME?", "approve", "I could not get a quote for GME: unknown ticker 'GME'"),
    ("Show my open orders", "approve", "You have no open orders"),
    ("Cancel order ord-999", "approve", "I could not cancel order ord-999: no order with id"),
    ("What do the notes say about NVDA risks?", "approve", "The research note research/nvda.md says, under Risks:"),
    ("Read the research note on AMD", "approve", "The research note research/amd.md says"),
    ("Sell half of my AAPL position", "approve", "Sold 5 AAPL at $125.36 a share"),
    ("Sell half of my NVDA position", "approve", "You hold no NVDA, so I did not sell NVDA."),
    ("Cancel my open order for META", "approve", "I could not cancel the order: you have no open META order."),
]  # fmt: skip
NEVER = re.compile(
    r"\$\{|result\(s\)|order\(s\)|passage\(s\)|\d{4}-\d{2}-\d{2}T\d|condition false|"
    r"blocked by [a-z_]+:|rejected by a person|not done:|\(\w+_\w+\)"
)
"""Plan syntax, counts of results, ISO instants, the engine's own phrases, tool names."""
ACCOUNT = re.compile(r"\b(cash|buying power|equity|P/L)\b")


def texts(report: TradeReport) -> list[str]:
    """Every text of the report a person reads as words."""
    return [
        report.summary,
        *(skip.detail for skip in report.skipped),
        *(problem.detail for problem in report.problems),
    ]


@pytest.mark.parametrize(("request_", "decision", "start"), CASES, ids=[c[0] for c in CASES])
async def test_every_answer_leads_with_the_answer_in_words(
    world: World, request_: str, decision: Decision, start: str
) -> None:
    await world.trade("AAPL", "buy", 10, "setup-aapl")  # so positions and sells have rows
    report = (await world.ask(request_, decision)).report
    assert report.summary.startswith(start), report.summary
    for text in texts(report):
        assert not NEVER.search(text), text
        assert not has_plan_syntax(text), text
    acted = report.orders and any(o.action != "listed" for o in report.orders)
    if acted or any(skip.reason != "needs_shares" for skip in report.skipped):
        # An order's answer is the order: account figures only when they are the reason.
        assert not ACCOUNT.search(report.summary), report.summary
    assert report.summary.count(". ") <= 3  # a few sentences, not a dump


@pytest.mark.parametrize(
    ("request_", "decision", "summary"),
    [
        ("Buy 10 NVDA if its 14-day RSI is below 30", "approve",
         "NVDA's RSI(14) is 58.25, not below 30 (as of Friday 27 February), so I did not buy "
         "10 NVDA."),
        ("Buy 5000 shares of NVDA", "approve",
         "I did not buy 5000 NVDA: the trading policy does not allow it (order notional 5000 × "
         "$230.51 (the ask of NVDA) = $1,152,550.00 exceeds the $25,000.00 limit per order)."),
        ("Buy 3 shares of Nvidia", REJECT,
         "I did not buy 3 NVDA: you rejected it (too volatile today)."),
        ("What's the price of AAPL?", "approve",
         "AAPL is $125.36 bid, $125.42 ask as of Monday 2 March, 15:00 UTC."),
        ("Buy $5,000 of AAPL", "approve",
         "$5,000 buys 39 whole shares of AAPL at the ask of $125.42 ($4,891.38 in all); orders "
         'take whole shares, so nothing was bought. To order, ask: "Buy 39 shares of AAPL".'),
    ],
)  # fmt: skip
async def test_a_handful_of_answers_word_for_word(
    world: World, request_: str, decision: Decision, summary: str
) -> None:
    assert (await world.ask(request_, decision)).report.summary == summary


async def test_a_portfolio_answer_says_what_is_held_and_how_the_account_stands(
    world: World,
) -> None:
    await world.trade("AAPL", "buy", 10, "setup-aapl")
    summary = (await world.ask("Show my portfolio")).report.summary
    assert summary == (
        "You have $98,745.80 in cash and $98,745.80 of buying power; your equity is "
        "$99,999.70, down $0.30 today. You hold 10 AAPL worth $1,253.90 (unrealized P/L -$0.30)."
    )


async def test_a_closed_market_says_why_and_what_to_do_in_words() -> None:
    world = make_world(at=datetime(2026, 3, 7, 15, 0, tzinfo=UTC))  # a Saturday
    report = (await world.ask("Buy 10 shares of AAPL")).report
    assert report.summary == (
        "I could not buy 10 AAPL: the market is closed: a market order for AAPL cannot fill "
        "now. Use a limit order (it rests until it can fill), or wait until the next open at "
        "Monday 9 March, 13:30 UTC."
    )


def test_a_step_of_a_tool_the_answer_does_not_know_is_said_in_words() -> None:
    steps = {
        "alerts": {"tool": "list_price_alerts", "status": "failed", "args": {},
                   "error": "the alerts service is down"},
        "quote": {"tool": "get_quote", "status": "done", "result": {
            "symbol": "NVDA", "bid_price": "230.41", "ask_price": "230.51",
            "timestamp": "2026-03-02T15:00:00Z"}},
    }  # fmt: skip
    report = answer("show my price alerts", steps)
    (problem,) = report.problems
    assert problem.detail == "I could not list price alerts: the alerts service is down"
    assert report.summary.startswith("I could not list price alerts: the alerts service is down.")
    assert "NVDA is $230.41 bid" in report.summary


def test_a_skipped_order_whose_record_carries_its_condition_is_explained_by_it() -> None:
    steps = {
        "rsi": {"tool": "compute_indicator", "status": "done", "result": {
            "symbol": "NVDA", "indicator": {"name": "rsi", "period": 14}, "value": 41.2,
            "last_close": "230.00", "as_of_date": "2026-02-27"}},
        "order": {"tool": "place_order", "status": "skipped", "condition": "${rsi.value} < 30",
                  "args": {"symbol": "NVDA", "side": "buy", "qty": 10, "type": "market"}},
    }  # fmt: skip
    report = answer("buy 10 NVDA when it dips", steps)
    assert report.summary == (
        "NVDA's RSI(14) is 41.2, not below 30 (as of Friday 27 February), so I did not buy 10 NVDA."
    )
    assert not has_plan_syntax(report.summary)
