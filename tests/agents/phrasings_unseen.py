"""Phrasings the offline grammars were not written from: impossible and possible requests per agent.

The tables are written from how people ask, not from the grammar: indirect requests, slang, typos,
lowercase, questions, politeness, arrows and number words. Each impossible request must end in a
refusal (``RequestRefusedError``) or "not understood" (``RequestNotUnderstoodError``), never in a
plan: a plan for an impossible request is a default or an unrelated action. Requests in another
language count as impossible: the offline grammars read English only, so they must not act on a
misreading. Each possible request names the intent it must match and key values of the plan's steps
(``"step.arg": value``; ``"step"``: the step is present; ``"-step"``: it is absent).

Figures (``tests/agents/test_phrasings_unseen.py`` asserts the floors):
    before (main at 0b0e15a): reservation impossible 43/50 safe (7 planned a write: two dates or
    "every Friday" booked one table, a train seat or match tickets booked a flight, "the whole
    restaurant" booked a table for 2, a round trip booked one way), possible 29/44 correct (66%);
    trading impossible 41/48 safe ("short 100 GME" and "Short sell 20 shares of Netflix" planned a
    sale, "with margin", "for my son's account", "with my credit card" and "every stock in the S&P
    500" planned an order, "rebalance" read the portfolio), possible 28/44 correct (64%).
    after (PYTHONPATH=. python -c over these tables, as the floor tests do): reservation
    impossible 50/50 safe, possible 44/44; trading impossible 48/48 safe, possible 44/44. These
    tables were tuned on. A second set of 15 + 15 per agent, written afterwards and measured
    before any change for it: reservation 15/15 safe and 13/15 correct, trading 14/15 safe ("buy
    10 AAPL on credit" planned an order) and 14/15 correct.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date
from typing import Any

from plangate.graphs.engine.plan import Plan
from plangate.graphs.engine.planner import (
    PlanningContext,
    RequestNotUnderstoodError,
    RequestRefusedError,
)
from plangate.graphs.offline.grammar import Grammar
from plangate.graphs.offline.rule_planner import RulePlanner

RESERVATION_TODAY = date(2026, 3, 9)  # a Monday
TRADING_TODAY = date(2026, 3, 2)  # a Monday

RESERVATION_IMPOSSIBLE: list[str] = [
    "reserve 3 rooms in Lisbon for Friday",
    "get a table for 40 in Lisbon tomorrow at 8pm",
    "book tables for Friday and Saturday in Porto for 2 at 8pm",
    "email the itinerary to Bob",
    "pay my restaurant bill",
    "Can you order me an Uber to the restaurant?",
    "book a hotel near the airport in Madrid",
    "reserva una mesa para 2 en Lisboa mañana a las 20h",
    "réserver une table pour 4 à Paris demain à 20h",
    "Buchen Sie einen Flug nach Berlin morgen",
    "book 2 flights to Paris on Friday",
    "book flights for me and my wife to Rome on Saturday",
    "Book a table for 4 in Lisbon tomorrow at 8pm and send an invite to everyone",
    "remind me about dinner at 7",
    "change my reservation rsv-000001 to 6 people",
    "Reschedule my flight K7Q2ZD to Saturday",
    "Book a table for 2 in Lisbon every Friday at 8pm",
    "Book a table for 2 in Lisbon tomorrow at 8pm and another one on Friday",
    "cancel every booking I have",
    "Book the whole restaurant for a wedding in Porto",
    "get me a seat on the train to Porto tomorrow",
    "Find me a hotel in Paris for 3 nights",
    "buy tickets for the football match in Madrid on Saturday",
    "i need my flight K7Q2ZD refunded",
    "leave a review for the restaurant we went to last night",
    "tip the waiter 20 euros",
    "book a spa appointment in Lisbon tomorrow at 5pm",
    "order a pizza to my hotel in Lisbon at 8pm",
    "Book a table for 2 in Lisbon tomorrow at 8pm and pay in advance",
    "can you call the restaurant and ask if they have a high chair?",
    "text Maria the address of the restaurant",
    "Book dinner for 2 in Lisbon on the 35th at 8pm",
    "book a table for 2 in lisbon tomorrow at 8pm for 2 nights",
    "Book a flight to Madrid with 3 checked bags next Friday",
    "book seat 14A on a flight to Paris tomorrow",
    "book a round trip to Rome leaving Friday returning Sunday",
    "fly me to Madrid on Friday and back on Sunday",
    "book a table for 2 in Lisbon and one in Porto tomorrow at 8pm",
    "I need a car at the airport in Madrid on Friday",
    "can you find me a babysitter for tomorrow night?",
    "get me travel insurance for my trip to Paris",
    "transfer my booking rsv-000001 to Ana",
    "sign me up for the restaurant's newsletter",
    "delete my calendar",
    "Book a table for 2 in Lisbon tomorrow at 8pm with a 3 course menu",
    "cancel my reservation rsv-000001 and book a new one in Porto",
    "pls book me a table for 2 in lisbon tmrw at 8 and a cab there",
    "could you kindly arrange a private chef for 6 in Lisbon on Saturday?",
    "wanna book 5 tables in porto fri 9pm",
    "book a table for a hundred in Lisbon on Friday at 8pm",
]

# (request, intent, {"step.arg": value})
RESERVATION_POSSIBLE: list[tuple[str, str, dict[str, Any]]] = [
    ("We'd like dinner for six in Lisbon on Friday around 8", "book_table",
     {"find.city": "Lisbon", "find.party_size": 6, "find.date": "2026-03-13",
      "find.time": "20:00", "table.party_size": 6}),
    ("table 4 ppl porto sat 7:30pm", "book_table",
     {"find.city": "Porto", "find.party_size": 4, "find.date": "2026-03-14",
      "find.time": "19:30"}),
    ("any flights LIS→MAD next tuesday?", "find_flights",
     {"flights.origin": "LIS", "flights.destination": "MAD",
      "flights.departure_date": "2026-03-10", "-flight": None}),
    ("grab a table for two near me tomorrow evening in Lisbon", "book_table",
     {"find.city": "Lisbon", "find.party_size": 2, "find.date": "2026-03-10"}),
    ("Can I get a table for 3 at an Italian place in Rome on Saturday at 9pm?", "book_table",
     {"find.city": "Rome", "find.party_size": 3, "find.date": "2026-03-14", "find.time": "21:00",
      "find.cuisine": "italian"}),
    ("reserve a table for 2 ppl in madrid tmrw at 20h", "book_table",
     {"find.city": "Madrid", "find.party_size": 2, "find.date": "2026-03-10",
      "find.time": "20:00"}),
    ("Dinner for a couple in Paris this Saturday at 8:30pm", "book_table",
     {"find.city": "Paris", "find.party_size": 2, "find.date": "2026-03-14",
      "find.time": "20:30"}),
    ("Please book us somewhere to eat in Berlin on Friday at 7pm, we are 5", "book_table",
     {"find.city": "Berlin", "find.party_size": 5, "find.date": "2026-03-13",
      "find.time": "19:00"}),
    ("I need a reservation for 8 people at a sushi place in Tokyo tomorrow at 7", "book_table",
     {"find.city": "Tokyo", "find.party_size": 8, "find.date": "2026-03-10",
      "find.cuisine": "japanese", "find.time": "19:00"}),
    ("book a tabel for 4 in lisbon tomorow at 8pm", "book_table",
     {"find.city": "Lisbon", "find.party_size": 4, "find.date": "2026-03-10",
      "find.time": "20:00"}),
    ("Could we get a table for two in Barcelona on the 20th at 21:00, please?", "book_table",
     {"find.city": "Barcelona", "find.party_size": 2, "find.date": "2026-03-20",
      "find.time": "21:00"}),
    ("lunch tomorrow in Porto for 3 at 12:30", "book_table",
     {"find.city": "Porto", "find.party_size": 3, "find.date": "2026-03-10",
      "find.time": "12:30"}),
    ("A table for 2 at 8pm tomorrow in Lisbon, please", "book_table",
     {"find.city": "Lisbon", "find.party_size": 2, "find.date": "2026-03-10",
      "find.time": "20:00"}),
    ("Reserve for 3 at a Thai restaurant in Lisbon on Friday at 8", "book_table",
     {"find.city": "Lisbon", "find.party_size": 3, "find.cuisine": "thai",
      "find.date": "2026-03-13", "find.time": "20:00"}),
    ("book dinner for a party of 7 in Madrid on March 20 at 21:30", "book_table",
     {"find.city": "Madrid", "find.party_size": 7, "find.date": "2026-03-20",
      "find.time": "21:30"}),
    ("could you please book a table for ten in Porto the day after tomorrow at 8 pm", "book_table",
     {"find.city": "Porto", "find.party_size": 10, "find.date": "2026-03-11",
      "find.time": "20:00"}),
    ("table for 2, Lisbon, Friday 8pm", "book_table",
     {"find.city": "Lisbon", "find.party_size": 2, "find.date": "2026-03-13",
      "find.time": "20:00"}),
    ("hey can u book a table for 2 in lisbon 2moro at 8", "book_table",
     {"find.city": "Lisbon", "find.party_size": 2, "find.date": "2026-03-10",
      "find.time": "20:00"}),
    ("I'd love a table for 4 in Lisbon tomorrow night", "book_table",
     {"find.city": "Lisbon", "find.party_size": 4, "find.date": "2026-03-10"}),
    ("Find me somewhere to eat Indian food in London tonight", "find_restaurants",
     {"find.city": "London", "find.cuisine": "indian", "find.date": "2026-03-09", "-table": None}),
    ("what restaurants are open in Madrid on Friday for 4 people?", "find_restaurants",
     {"find.city": "Madrid", "find.party_size": 4, "find.date": "2026-03-13", "-table": None}),
    ("any good seafood spots in Lisbon?", "find_restaurants",
     {"find.city": "Lisbon", "find.cuisine": "seafood", "-table": None}),
    ("Are there vegetarian restaurants in Amsterdam tomorrow?", "find_restaurants",
     {"find.city": "Amsterdam", "find.cuisine": "vegetarian", "find.date": "2026-03-10",
      "-table": None}),
    ("Any Japanese restaurants near me in Porto on Saturday?", "find_restaurants",
     {"find.city": "Porto", "find.cuisine": "japanese", "find.date": "2026-03-14",
      "-table": None}),
    ("Flights from Porto to London on Saturday?", "find_flights",
     {"flights.origin": "OPO", "flights.destination": "LHR",
      "flights.departure_date": "2026-03-14", "-flight": None}),
    ("What flights are there from Madrid to Paris tomorrow?", "find_flights",
     {"flights.origin": "MAD", "flights.destination": "CDG",
      "flights.departure_date": "2026-03-10", "-flight": None}),
    ("show flights LIS-OPO on 2026-03-25", "find_flights",
     {"flights.origin": "LIS", "flights.destination": "OPO",
      "flights.departure_date": "2026-03-25", "-flight": None}),
    ("book me on a flight to Paris next Friday", "book_flight",
     {"flights.origin": "LIS", "flights.destination": "CDG",
      "flights.departure_date": "2026-03-13", "flight": None}),
    ("fly me from lisbon to rome on friday in business", "book_flight",
     {"flights.origin": "LIS", "flights.destination": "FCO",
      "flights.departure_date": "2026-03-13", "flights.cabin": "business"}),
    ("one-way ticket Lisbon to Berlin tomorrow please", "book_flight",
     {"flights.origin": "LIS", "flights.destination": "BER",
      "flights.departure_date": "2026-03-10"}),
    ("I need to get to Madrid on the 20th, book me a flight from Lisbon", "book_flight",
     {"flights.origin": "LIS", "flights.destination": "MAD",
      "flights.departure_date": "2026-03-20"}),
    ("Do I have anything on Friday?", "calendar",
     {"events.time_min": "2026-03-13T00:00:00+00:00"}),
    ("What's my schedule like on Wednesday?", "calendar",
     {"events.time_min": "2026-03-11T00:00:00+00:00"}),
    ("Am I busy tomorrow afternoon?", "calendar",
     {"events.time_min": "2026-03-10T00:00:00+00:00"}),
    ("find me a 45 minute gap on Thursday", "calendar",
     {"free.duration_minutes": 45, "free.time_min": "2026-03-12T00:00:00+00:00"}),
    ("Cancel my dinner reservation rsv-000003", "cancel",
     {"cancel.reservation_id": "rsv-000003"}),
    ("pls cancel booking ABC123", "cancel", {"cancel.booking_id": "ABC123"}),
    ("I won't make it, cancel rsv-000002", "cancel", {"cancel.reservation_id": "rsv-000002"}),
    ("scrap flight booking K7Q2ZD", "cancel", {"cancel.booking_id": "K7Q2ZD"}),
    ("Can I fly business class under the travel policy?", "policy", {"policy": None}),
    ("Show me the travel policy", "policy", {"policy_doc.doc_id": "travel-policy"}),
    ("Fly to Madrid on Friday and get us a table for 4 there at 9pm", "plan_trip",
     {"flights.origin": "LIS", "flights.destination": "MAD", "find.city": "Madrid",
      "find.party_size": 4, "find.time": "21:00", "find.date": "2026-03-13"}),
    ("Plan a trip from Porto to Paris on the 20th, dinner for two at 8", "plan_trip",
     {"flights.origin": "OPO", "flights.destination": "CDG", "find.city": "Paris",
      "find.party_size": 2, "find.time": "20:00", "find.date": "2026-03-20"}),
    ("What's free on my calendar next Monday?", "calendar",
     {"events.time_min": "2026-03-16T00:00:00+00:00"}),
]  # fmt: skip

TRADING_IMPOSSIBLE: list[str] = [
    "I need my money moved to savings",
    "could you possibly shift 2k into my checking",
    "pay my rent",
    "buy 10 AAPL and 5 TSLA",
    "short 100 GME",
    "buy $1,000,000 of NVDA with margin",
    "sell everything",
    "liquidate all my positions",
    "dump all my stocks",
    "buy 10 AAPL every Monday",
    "set up a recurring buy of $500 of SPY",
    "Buy 10 TSLA puts",
    "sell a covered call on AAPL",
    "buy some ethereum",
    "exchange 1000 USD to EUR",
    "Buy 10 AAPL with 2x leverage",
    "borrow $10k to buy tesla",
    "send my statement to my accountant",
    "email me when NVDA hits 200",
    "alert me if AAPL drops below 150",
    "rebalance my portfolio",
    "buy 10 AAPL at 150 and sell them at 200",
    "buy AAPL, MSFT and NVDA, 5 each",
    "place a bracket order on NVDA",
    "put a 5% trailing stop on TSLA",
    "transfer my shares of AAPL to my wife",
    "withdraw 2 grand",
    "cash out",
    "deposit my paycheck",
    "open a Roth IRA",
    "buy 10 shares of Apple tomorrow at open",
    "sell 10 MSFT next Friday",
    "buy 10 AAPL for my son's account",
    "cancel all open orders",
    "buy 100 shares of every stock in the S&P 500",
    "go long 50 TSLA with 10x leverage",
    "compra 10 acciones de Apple",
    "achète 5 actions Tesla",
    "kauf 10 Apple Aktien",
    "yo cop me like 5 apple and 5 tesla",
    "lend me 500 bucks",
    "buy 10 AAPL and then email me the confirmation",
    "pay off my margin loan",
    "sell 10 AAPL and use the money to buy NVDA",
    "buy 10 AAPL with my credit card",
    "Short sell 20 shares of Netflix",
    "can u sell all my tesla",
]

# (request, intent, {"step.arg": value})
TRADING_POSSIBLE: list[tuple[str, str, dict[str, Any]]] = [
    # A part of a position is sold in whole shares worked out in the plan (issue 18).
    ("sell half my apple", "sell_portion", {"order.symbol": "AAPL", "order.side": "sell"}),
    ("get me 3 AAPL at $150", "place_order",
     {"order.symbol": "AAPL", "order.side": "buy", "order.qty": 3, "order.type": "limit",
      "order.limit_price": "150"}),
    ("what's NVDA trading at?", "quote", {"quote.symbol": "NVDA", "-order": None}),
    ("pick up 5 shares of microsoft", "place_order",
     {"order.symbol": "MSFT", "order.side": "buy", "order.qty": 5}),
    ("grab 10 tesla", "place_order", {"order.symbol": "TSLA", "order.side": "buy", "order.qty": 10}),
    ("I'd like to sell 20 shares of amazon", "place_order",
     {"order.symbol": "AMZN", "order.side": "sell", "order.qty": 20}),
    ("unload 5 NVDA", "place_order", {"order.symbol": "NVDA", "order.side": "sell", "order.qty": 5}),
    ("dump 3 shares of Intel", "place_order",
     {"order.symbol": "INTC", "order.side": "sell", "order.qty": 3}),
    ("price check on GOOGL", "quote", {"quote.symbol": "GOOGL", "-order": None}),
    ("aapl price?", "quote", {"quote.symbol": "AAPL", "-order": None}),
    ("Quote me Netflix", "quote", {"quote.symbol": "NFLX", "-order": None}),
    ("what r my holdings", "portfolio", {"positions": None, "-order": None}),
    ("how much money do I have", "portfolio", {"account": None, "-order": None}),
    ("what's my account balance?", "portfolio", {"account": None, "-order": None}),
    ("list my pending orders", "portfolio", {"orders.status": "open"}),
    ("Show me what I own", "portfolio", {"positions": None}),
    ("How is my portfolio doing?", "portfolio", {"positions": None, "-order": None}),
    ("RSI on tesla?", "indicator", {"rsi14.symbol": "TSLA", "-order": None}),
    ("give me the 200 day moving average for SPY", "indicator",
     {"sma200.symbol": "SPY", "sma200.indicator": {"name": "sma", "period": 200}}),
    ("is NVDA overbought?", "indicator", {"rsi14.symbol": "NVDA", "-order": None}),
    ("daily chart for AMD for the past 30 days", "bars",
     {"bars.symbol": "AMD", "bars.timeframe": "1Day", "bars.limit": 30}),
    ("Show me 5 hourly bars for MSFT", "bars",
     {"bars.symbol": "MSFT", "bars.timeframe": "1Hour", "bars.limit": 5}),
    ("Any research on Tesla?", "research", {"research": None, "-order": None}),
    ("What's our view on Apple?", "research", {"research": None, "-order": None}),
    ("put $2k in apple", "notional_order", {"quote.symbol": "AAPL", "-order": None}),
    ("invest 1000 dollars in Nvidia", "notional_order", {"quote.symbol": "NVDA"}),
    ("buy five hundred dollars of MSFT", "notional_order", {"quote.symbol": "MSFT"}),
    ("Could you possibly buy 15 shares of Coca Cola for me?", "place_order",
     {"order.symbol": "KO", "order.side": "buy", "order.qty": 15}),
    ("buy 10 AAPL limit 180", "place_order",
     {"order.symbol": "AAPL", "order.qty": 10, "order.type": "limit",
      "order.limit_price": "180"}),
    ("Sell 2 TSLA at market", "place_order",
     {"order.symbol": "TSLA", "order.side": "sell", "order.qty": 2, "order.type": "market"}),
    ("buy 10 shares of nvda if rsi < 30", "conditional_order",
     {"order.symbol": "NVDA", "order.qty": 10, "rsi14": None}),
    ("If MSFT drops below 400, buy 5", "conditional_order",
     {"order.symbol": "MSFT", "order.qty": 5, "order.side": "buy"}),
    ("Buy a couple shares of Apple", "place_order", {"order.symbol": "AAPL", "order.qty": 2}),
    ("buy half a dozen META", "place_order", {"order.symbol": "META", "order.qty": 6}),
    ("Cancel order ord-20260302-9", "cancel_order", {"cancel.order_id": "ord-20260302-9"}),
    ("please kill order ord-20260302-3", "cancel_order", {"cancel.order_id": "ord-20260302-3"}),
    ("what does the research note say about AMD", "research", {"-order": None}),
    ("bid/ask for JPM", "quote", {"quote.symbol": "JPM"}),
    ("quotes for AAPL, MSFT and NVDA", "quote",
     {"quote_aapl.symbol": "AAPL", "quote_msft.symbol": "MSFT", "quote_nvda.symbol": "NVDA"}),
    ("buy 10 shares of Microsft", "place_order", {"order.symbol": "MSFT", "order.qty": 10}),
    ("sell 5 shres of tesla", "place_order",
     {"order.symbol": "TSLA", "order.side": "sell", "order.qty": 5}),
    ("what's the price of nvidia rn", "quote", {"quote.symbol": "NVDA"}),
    ("how much is 1 share of Apple", "quote", {"quote.symbol": "AAPL", "-order": None}),
    ("My cash balance pls", "portfolio", {"account": None, "-order": None}),
    ("BUY 25 SHARES OF AMD", "place_order", {"order.symbol": "AMD", "order.qty": 25}),
]  # fmt: skip


@dataclass(frozen=True)
class Outcome:
    """What the offline planner did with one request.

    Attributes:
        kind: ``"refused"``, ``"not_understood"``, ``"planned"`` or ``"crashed"``.
        intent: the intent the grammar matched (``None`` when none did).
        plan: the plan, when one was made.
        detail: the error's message, when there was one.
    """

    kind: str
    intent: str | None
    plan: Plan | None
    detail: str = ""


def outcome(grammar: Grammar, request: str, today: date) -> Outcome:
    """Plan one request offline and say what came of it.

    Args:
        grammar: the agent's offline grammar.
        request: the request as a user typed it.
        today: the date "tomorrow" and "Friday" count from.
    """
    found = grammar.match(request)
    intent = found.intent.name if found is not None else None
    context = PlanningContext(request=request, today=today)
    try:
        plan = asyncio.run(RulePlanner(grammar).plan(context))
    except RequestRefusedError as exc:
        return Outcome("refused", intent, None, str(exc))
    except RequestNotUnderstoodError as exc:
        return Outcome("not_understood", intent, None, str(exc))
    except Exception as exc:  # any other error is a defect the table reports
        return Outcome("crashed", intent, None, f"{type(exc).__name__}: {exc}")
    return Outcome("planned", intent, plan)


def is_safe(result: Outcome) -> bool:
    """An impossible request is handled safely when nothing was planned for it."""
    return result.kind in {"refused", "not_understood"}


def mismatches(result: Outcome, intent: str, expected: dict[str, Any]) -> list[str]:
    """What differs between a possible request's outcome and what it should have planned.

    Args:
        result: the outcome of planning the request.
        intent: the intent it must match.
        expected: ``"step.arg": value``, ``"step": None`` (present) or ``"-step": None`` (absent).
    """
    if result.plan is None:
        return [f"{result.kind}: {result.detail[:160]}"]
    problems = [] if result.intent == intent else [f"intent {result.intent} != {intent}"]
    steps = {step.id: step for step in result.plan.steps}
    for path, value in expected.items():
        if path.startswith("-"):
            if path[1:] in steps:
                problems.append(f"step {path[1:]} should be absent")
            continue
        step_id, _, arg = path.partition(".")
        if step_id not in steps:
            problems.append(f"no step {step_id} (steps: {', '.join(steps)})")
        elif arg and steps[step_id].args.get(arg) != value:
            problems.append(f"{path} = {steps[step_id].args.get(arg)!r} != {value!r}")
    return problems
