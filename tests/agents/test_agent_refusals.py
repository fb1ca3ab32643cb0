"""Requests an agent cannot do get a plain refusal (exit 2), never a default or an unrelated action.

Each impossible request below was planned before refusals existed: "Transfer $5000 to my bank
account" read the balance, "Book 30 tables in Lisbon" booked one table for 2, "Buy 10 AAPL and
sell 5 MSFT" sold 10 AAPL. The possible requests — every grammar phrasing, demo scenario and
README request — must still plan, so refusing does not become the new default.
"""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plangate.agents.reservation.grammar import GRAMMAR as RESERVATION
from plangate.agents.trading.grammar import GRAMMAR as TRADING
from plangate.demos.cli.commands import app
from plangate.demos.scenarios import reservation as reservation_scenarios
from plangate.demos.scenarios import trading as trading_scenarios
from plangate.graphs.engine.planner import PlanningContext, RequestRefusedError
from plangate.graphs.offline.grammar import Grammar
from plangate.graphs.offline.rule_planner import RulePlanner
from tests.agents.reservation.test_reservation_grammar import PHRASINGS as RESERVATION_PHRASINGS
from tests.agents.trading.test_trading_grammar import CASES as TRADING_PHRASINGS

TODAY = date(2026, 3, 9)

# (request, words the refusal must contain)
RESERVATION_REFUSED: list[tuple[str, str]] = [
    ("Book 30 tables in Lisbon tomorrow at 8pm", "one table per request"),
    ("Book 2 tables in Lisbon tomorrow at 8pm", "one table per request"),
    ("Please reserve three tables for 4 in Porto on Friday at 9pm", "one table per request"),
    ("Book a hotel in Lisbon tomorrow", "no way to book a hotel"),
    (
        "Could you book us a hotel room near a restaurant in Lisbon?",
        "no way to book us a hotel room",
    ),
    ("Rent a car in Lisbon tomorrow", "no way to rent a car"),
    ("I'd like to hire a driver for dinner in Porto", "no way to hire a driver"),
    ("Order food delivery from a restaurant in Lisbon", "no way to order food delivery"),
    ("Get me a taxi to the airport", "taxi"),
    ("Buy me a train ticket to Porto", "flights and restaurant tables only"),
    (
        "Book dinner for 2 in Lisbon at 8pm tomorrow and lunch for 3 in Porto on Friday",
        "one of these at a time",
    ),
    ("Book a table for 4 in Lisbon tomorrow at 8pm and a taxi", "no way to book a taxi"),
    ("Book dinner for 2 in Lisbon at 8pm, then email Ana the details", "no way to email Ana"),
    ("Can you send the confirmation to ana@example.com?", "no way to send the confirmation"),
    ("Transfer $500 to the restaurant", "no way to transfer $500"),
    ("Pay the deposit for my table in Lisbon", "no way to pay the deposit"),
    ("Add dinner to my calendar tomorrow at 8pm", "no way to add dinner"),
    ("Move my reservation rsv-000001 to 9pm", "no way to move my reservation"),
    ("Check in for my flight K7Q2ZD", "no way to check in"),
    ("Upgrade my flight K7Q2ZD to business", "no way to upgrade"),
    ("Cancel all my reservations", 'not "all my reservations"'),
    ("Show me hotels in Lisbon", "no way to show me hotels"),
    ("Book a flight to Madrid for 3 people next Friday", '"3" (in "for 3 people")'),
    ("Book 2 tickets to Madrid next Friday", "one passenger per request"),
    ("Book a flight to Madrid next Friday under $300", '"300"'),
    ("Book a flight to Madrid next Friday at 8pm", '"8"'),
    ("Book a table for 4 in Lisbon tomorrow at 8pm for 3 hours", '"3" (in "for 3 hours")'),
    ("Book a table for -3 in Lisbon tomorrow at 8pm", '"-3"'),
    ("Book a table for 2 in Lisbon on February 30 at 8pm", '"30" (in "February 30 at")'),
    ("Book a table for 4 in Lisbon tomorrow at 25", '"25" (in "at 25")'),
    ("Book a table in Lisbon tomorrow at 8pm with a budget of 50 euros", '"50"'),
    ("Find flights for 2 adults to Paris tomorrow", '"2"'),
    ("When am I free tomorrow for 20 hours?", "5 minutes to 12 hours"),
    ("Find flights to Paris tomorrow and book the cheapest", 'will not "book the cheapest"'),
    (
        "Book a table for 4 in Lisbon tomorrow at 8pm and a table for 2 in Porto on Friday",
        "one of these at a time",
    ),
    ("book tables for Friday and Saturday in Porto for 2 at 8pm", "one booking per request"),
    ("Book a table for 2 in Porto on Friday and Saturday at 8pm", "names 2 (Friday 13 March"),
    ("Fly me to Madrid on Friday and back on Sunday", "a round trip is two flights"),
    ("Book a table for 2 in Lisbon every Friday at 8pm", "not a recurring booking"),
    ("Get me a seat on the train to Porto tomorrow", "no other transport"),
    ("Buy tickets for the football match in Madrid on Saturday", "not events"),
    ("Book seat 14A on a flight to Paris tomorrow", "can't choose seats"),
    ("Book the whole restaurant for a wedding in Porto", "not a whole venue"),
]

TRADING_REFUSED: list[tuple[str, str]] = [
    ("Transfer $5000 to my bank account", "no way to transfer $5000 to my bank account"),
    ("Please transfer 5000 dollars to my bank", "no way to transfer 5000 dollars"),
    ("Can you wire money to my brother?", "no way to wire money"),
    ("I want to withdraw $1000 from my account", "no way to withdraw $1000"),
    ("Withdraw 1000 from my account", "will not"),
    ("Deposit 500 dollars", "no way to deposit"),
    ("Send $200 to John", "no way to send $200"),
    ("Pay my credit card bill", "no way to pay"),
    ("Could you move money from my brokerage account to checking?", "no way to move money"),
    ("$5000 to my bank account please", '"5000"'),
    ("Open a savings account", "no way to open a savings account"),
    ("Close my account", "no way to close my account"),
    ("Sell the company", "no way to sell the company"),
    ("Sell my house", "no way to sell my house"),
    ("Buy bitcoin", "no way to buy bitcoin"),
    ("Buy 10 AAPL call options", "no way to buy 10 AAPL call options"),
    ("Buy 10 AAPL with a stop loss at 140", "market and limit orders only"),
    ("Buy 10 AAPL on margin", "no margin or leverage"),
    ("Buy 0.5 shares of AAPL", "whole shares"),
    ("Cancel all my orders", 'not "all my orders"'),
    ("Cancel everything", 'not "everything"'),
    ("Liquidate my portfolio", "no way to liquidate"),
    ("Short the market", "no way to short the market"),
    ("Email my broker", "no way to email my broker"),
    ("Book a table for 2 in Lisbon", "no way to book a table"),
    ("Buy 10 AAPL and sell 5 MSFT", "one of these at a time"),
    ("Buy 10 AAPL and 5 MSFT", "one of these at a time"),
    ("Buy 10 AAPL and MSFT", "one order, on one stock"),
    ("Buy 10 shares of AAPL if MSFT is above 400", "reads the stock being ordered (AAPL) only"),
    ("Buy 10 AAPL at 10am", '"10" (in "at 10am")'),
    ("Buy 10 AAPL next Monday", "orders are placed now"),
    ("Withdraw money from my account", "no way to withdraw money"),
    ("Buy 10 shares of AAPL for $5,000", "not both"),
    ("Buy 50% more AAPL", '"50" (in "Buy 50% more")'),  # a part of a position is sold, never bought
    ("Short 10 TSLA", "no short selling"),
    ("Sell short 20 NFLX", "no short selling"),
    ("Buy $1,000,000 of NVDA with margin", "no margin or leverage"),
    ("Buy 10 AAPL with my credit card", "own cash only"),
    ("Buy 10 AAPL for my son's account", "this one account only"),
    ("Buy 100 shares of every stock in the S&P 500", 'not "100 shares of every stock"'),
    ("Rebalance my portfolio", "no way to rebalance my portfolio"),
    ("What was the price of AAPL on March 3?", '"3"'),
]


def _plan(grammar: Grammar, request: str) -> object:
    context = PlanningContext(request=request, today=TODAY)
    return asyncio.run(RulePlanner(grammar).plan(context))


@pytest.mark.parametrize(("request_text", "said"), RESERVATION_REFUSED)
def test_the_reservation_assistant_refuses_what_it_cannot_do(request_text: str, said: str) -> None:
    with pytest.raises(RequestRefusedError) as refused:
        _plan(RESERVATION, request_text)
    message = str(refused.value)
    assert message.startswith("I can't do that: ")
    assert said in message
    assert "I can book one table or one flight" in message  # and says what it can do


@pytest.mark.parametrize(("request_text", "said"), TRADING_REFUSED)
def test_the_trading_assistant_refuses_what_it_cannot_do(request_text: str, said: str) -> None:
    with pytest.raises(RequestRefusedError) as refused:
        _plan(TRADING, request_text)
    message = str(refused.value)
    assert message.startswith("I can't do that: ")
    assert said in message


def test_there_are_enough_impossible_requests_per_agent() -> None:
    assert len(RESERVATION_REFUSED) >= 15
    assert len(TRADING_REFUSED) >= 15


POSSIBLE_RESERVATIONS = [
    *(request for request, _, _ in RESERVATION_PHRASINGS),
    *(scenario.request for scenario in reservation_scenarios.SCENARIOS),
    *(example for intent in RESERVATION.intents for example in intent.examples),
    "Book a table for 2 in Lisbon tomorrow at 8pm",
    "Could you please reserve a table for two in Porto tomorrow at 8pm?",
    "I'd like to book a table for 3 in Madrid on Friday at 9pm",
    "Make a reservation for 4 in Lisbon tomorrow at 8pm",
    "Cancel my reservation rsv-000001, please",
    "Book a table for four in Lisbon tomorrow at eight",
    "Book a table near my hotel in Lisbon for 2 tomorrow at 8pm",
    "Fly to Madrid next Friday and dinner for 2 there at 9pm",
]
POSSIBLE_TRADES = [
    # "Short 10 TSLA" reads as a sale in the grammar table; a request to short is refused.
    *(request for request, _, _, _ in TRADING_PHRASINGS if not request.startswith("Short")),
    *(scenario.request for scenario in trading_scenarios.SCENARIOS),
    *(example for intent in TRADING.intents for example in intent.examples),
    "Can you buy 10 shares of Apple for me?",
    "I'd like to sell 5 NVDA at $240 limit",
    "Show me my cash",
    "Check my positions then sell 5 AAPL",
]


@pytest.mark.parametrize("request_text", POSSIBLE_RESERVATIONS)
def test_a_possible_reservation_request_still_plans(request_text: str) -> None:
    assert _plan(RESERVATION, request_text)


@pytest.mark.parametrize("request_text", POSSIBLE_TRADES)
def test_a_possible_trading_request_still_plans(request_text: str) -> None:
    assert _plan(TRADING, request_text)


@pytest.mark.parametrize(
    ("agent", "request_text", "now", "said"),
    [
        ("reservation", "Book 30 tables in Lisbon tomorrow at 8pm", "2026-03-09T09:00:00Z",
         "I book one table per request"),
        ("trading", "Transfer $5000 to my bank account", "2026-03-02T15:00:00Z",
         "I have no way to transfer $5000 to my bank account"),
    ],
)  # fmt: skip
def test_the_cli_prints_the_refusal_as_a_sentence_and_exits_2(
    agent: str, request_text: str, now: str, said: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("PLANGATE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PLANGATE_NOW", now)
    result = CliRunner().invoke(app, ["run", agent, request_text])
    assert result.exit_code == 2, result.output
    assert f"refused: I can't do that: {said}" in " ".join(result.stderr.split())
    assert "Traceback" not in result.output
    assert "step " not in result.stdout  # nothing ran: no balance, no booking
