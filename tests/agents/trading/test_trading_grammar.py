"""The trading grammar: natural phrasings → the right intent, slots and a valid plan."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from plangate.agents.trading.grammar import GRAMMAR
from plangate.agents.trading.slots import UnclearRequestError
from plangate.agents.trading.spec import SPEC
from plangate.graphs.engine.plan import Plan
from plangate.graphs.engine.planner import PlanningContext
from plangate.graphs.engine.validation import validate_plan
from plangate.graphs.offline.grammar import OutsideGrammarError, unmatched_examples
from plangate.graphs.offline.rule_planner import RulePlanner
from plangate.tools.clock import FakeClock
from plangate.tools.domains.backends import bind_tools, sandbox_backends

UUID = "6f1c2a9e-0b7d-4e55-9a3b-2c8d1e0f4a6b"
RSI14 = {"name": "rsi", "period": 14}
MACD = {"name": "macd", "fast": 12, "slow": 26, "signal": 9}

# (request, intent, {step id: expected args (a subset)}, expected order condition or None)
CASES: list[tuple[str, str, dict[str, dict[str, Any]], str | None]] = [
    # plain orders
    ("Buy 10 shares of AAPL", "place_order",
     {"order": {"symbol": "AAPL", "side": "buy", "qty": 10, "type": "market"}}, None),
    ("buy ten shares of Apple", "place_order", {"order": {"symbol": "AAPL", "qty": 10}}, None),
    ("Purchase 25 NVDA", "place_order", {"order": {"symbol": "NVDA", "qty": 25}}, None),
    ("Sell 5 shares of Nvidia at $240 limit", "place_order",
     {"order": {"symbol": "NVDA", "side": "sell", "qty": 5, "type": "limit",
                "limit_price": "240"}, "positions": {}}, None),
    ("sell 3 MSFT limit 410.50", "place_order",
     {"order": {"symbol": "MSFT", "side": "sell", "limit_price": "410.50"}}, None),
    ("Buy 100 shares of Coca-Cola at 60.5", "place_order",
     {"order": {"symbol": "KO", "qty": 100, "type": "limit", "limit_price": "60.5"}}, None),
    ("Short 10 TSLA", "place_order", {"order": {"symbol": "TSLA", "side": "sell", "qty": 10}},
     None),
    ("buy a dozen shares of Microsoft, good till cancelled", "place_order",
     {"order": {"symbol": "MSFT", "qty": 12, "time_in_force": "gtc"}}, None),
    ("Get me 7 shares of Amazon", "place_order", {"order": {"symbol": "AMZN", "qty": 7}}, None),
    ("Buy one share of Visa", "place_order", {"order": {"symbol": "V", "qty": 1}}, None),
    ("Buy 15 $AMD", "place_order", {"order": {"symbol": "AMD", "qty": 15}}, None),
    ("buy 20 jpm", "place_order", {"order": {"symbol": "JPM", "qty": 20}}, None),
    ("Please buy forty-two shares of Exxon", "place_order",
     {"order": {"symbol": "XOM", "qty": 42}}, None),
    ("trim 4 shares of my Microsoft position", "place_order",
     {"order": {"symbol": "MSFT", "side": "sell", "qty": 4}}, None),
    ("buy 50 shares of the S&P 500 ETF", "place_order", {"order": {"symbol": "SPY", "qty": 50}},
     None),
    # conditional orders
    ("Buy 10 NVDA if its 14-day RSI is below 30", "conditional_order",
     {"rsi14": {"symbol": "NVDA", "indicator": RSI14}, "order": {"symbol": "NVDA", "qty": 10}},
     "${rsi14.value} < 30"),
    ("If Apple's RSI(14) drops under 25, buy ten shares", "conditional_order",
     {"order": {"symbol": "AAPL", "qty": 10}}, "${rsi14.value} < 25"),
    ("Sell 5 AAPL if the price is above $130", "conditional_order",
     {"order": {"symbol": "AAPL", "side": "sell", "qty": 5}}, "${quote.bid_price} > 130"),
    ("buy 20 shares of Microsoft when it trades below its 50-day SMA", "conditional_order",
     {"sma50": {"symbol": "MSFT", "indicator": {"name": "sma", "period": 50}}},
     "${quote.ask_price} < ${sma50.value}"),
    ("Buy 8 AMD if MACD crosses above the signal line", "conditional_order",
     {"macd12_26_9": {"symbol": "AMD", "indicator": MACD}},
     "${macd12_26_9.value} > ${macd12_26_9.values.signal}"),
    ("buy 5 META if it's oversold", "conditional_order", {"rsi14": {"indicator": RSI14}},
     "${rsi14.value} < 30"),
    ("Sell 10 INTC if the hourly RSI is over 70", "conditional_order",
     {"rsi14": {"symbol": "INTC", "timeframe": "1Hour"}}, "${rsi14.value} > 70"),
    ("buy 10 GOOGL if the 50-day SMA is above the 200-day SMA", "conditional_order",
     {"sma50": {"symbol": "GOOGL"}, "sma200": {"indicator": {"name": "sma", "period": 200}}},
     "${sma50.value} > ${sma200.value}"),
    ("Buy 12 JNJ at $160 if RSI is at or below 35", "conditional_order",
     {"order": {"symbol": "JNJ", "type": "limit", "limit_price": "160"}},
     "${rsi14.value} <= 35"),
    ("Buy 10 XOM if its 14-day RSI is below 30 and the price is under 155", "conditional_order",
     {"order": {"symbol": "XOM"}}, "${rsi14.value} < 30 and ${quote.ask_price} < 155"),
    # amounts of money
    ("Buy $5,000 of AAPL", "notional_order", {"quote": {"symbol": "AAPL"}, "account": {}}, None),
    ("Put 5k into Microsoft", "notional_order", {"quote": {"symbol": "MSFT"}}, None),
    ("invest $2,500 in Nvidia", "notional_order", {"quote": {"symbol": "NVDA"}}, None),
    ("sell $3,000 worth of Apple", "notional_order",
     {"quote": {"symbol": "AAPL"}, "positions": {}}, None),
    ("Buy Tesla for $10,000", "notional_order", {"quote": {"symbol": "TSLA"}}, None),
    # quotes
    ("What's the price of AAPL?", "quote", {"quote": {"symbol": "AAPL"}}, None),
    ("Quotes for Microsoft and Nvidia", "quote",
     {"quote_msft": {"symbol": "MSFT"}, "quote_nvda": {"symbol": "NVDA"}}, None),
    ("how much is Walmart trading at", "quote", {"quote": {"symbol": "WMT"}}, None),
    ("what's the bid and ask on $KO", "quote", {"quote": {"symbol": "KO"}}, None),
    ("What does Costco cost right now?", "quote", {"quote": {"symbol": "COST"}}, None),
    # indicators
    ("What's the 14-day RSI of NVDA?", "indicator",
     {"rsi14": {"symbol": "NVDA", "indicator": RSI14}, "quote": {"symbol": "NVDA"}}, None),
    ("Show the 50-day SMA and MACD for Apple", "indicator",
     {"sma50": {"symbol": "AAPL"}, "macd12_26_9": {"indicator": MACD}}, None),
    ("20-period EMA of JPMorgan on hourly bars", "indicator",
     {"ema20": {"symbol": "JPM", "indicator": {"name": "ema", "period": 20},
                "timeframe": "1Hour"}}, None),
    ("MACD(8,21,5) for AMD", "indicator",
     {"macd8_21_5": {"indicator": {"name": "macd", "fast": 8, "slow": 21, "signal": 5}}}, None),
    ("RSI for Visa and Mastercard", "indicator",
     {"rsi14_v": {"symbol": "V"}, "rsi14_ma": {"symbol": "MA"}}, None),
    # bars
    ("Show the last 10 daily bars of AAPL", "bars",
     {"bars": {"symbol": "AAPL", "timeframe": "1Day", "limit": 10}}, None),
    ("Hourly candles for Tesla", "bars", {"bars": {"symbol": "TSLA", "timeframe": "1Hour"}},
     None),
    ("price history of Netflix over the last 20 sessions", "bars",
     {"bars": {"symbol": "NFLX", "limit": 20}}, None),
    # research
    ("What do the notes say about NVDA risks?", "research",
     {"research": {"query": "NVDA Nvidia risks", "sources": ["research/"]}}, None),
    ("Read the research note on AMD", "research", {"note": {"doc_id": "research/amd"}}, None),
    ("What's the house view on Eli Lilly?", "research", {"research": {"k": 4}}, None),
    ("catalysts for Boeing and Caterpillar", "research",
     {"research_ba": {}, "research_cat": {}}, None),
    # portfolio
    ("Show my positions", "portfolio", {"positions": {}}, None),
    ("How much cash do I have?", "portfolio", {"account": {}}, None),
    ("What's my buying power", "portfolio", {"account": {}}, None),
    ("Show my open orders", "portfolio", {"orders": {"status": "open"}}, None),
    ("show my order history", "portfolio", {"orders": {"status": "all"}}, None),
    ("Give me a portfolio overview", "portfolio", {"account": {}, "positions": {}}, None),
    ("What do I own?", "portfolio", {"positions": {}}, None),
    # cancels
    (f"Cancel order {UUID}", "cancel_order", {"cancel": {"order_id": UUID}}, None),
    ("please cancel my order #ord-20260302-7", "cancel_order",
     {"cancel": {"order_id": "ord-20260302-7"}}, None),
]  # fmt: skip

TOOLSET = bind_tools(sandbox_backends(seed=0, clock=FakeClock()))


def plan_of(request: str) -> tuple[str, Plan]:
    found = GRAMMAR.match(request)
    assert found is not None, f"no intent matched {request!r}"
    context = PlanningContext(request=request, today=date(2026, 3, 2))
    return found.intent.name, found.intent.build(found.match, context)


def test_the_table_holds_at_least_forty_phrasings() -> None:
    assert len(CASES) >= 40
    assert len({request for request, *_ in CASES}) == len(CASES)


@pytest.mark.parametrize(("request_", "intent", "expected", "condition"), CASES)
def test_a_phrasing_plans_its_intent_with_its_slots(
    request_: str, intent: str, expected: dict[str, dict[str, Any]], condition: str | None
) -> None:
    name, plan = plan_of(request_)
    assert name == intent
    steps = {step.id: step for step in plan.steps}
    for step_id, args in expected.items():
        assert step_id in steps, f"{request_!r}: no step {step_id}; steps: {list(steps)}"
        actual = steps[step_id].args
        assert {key: actual.get(key) for key in args} == args, actual
    if condition is not None or "order" in steps:
        assert steps["order"].condition == condition
    assert validate_plan(plan, TOOLSET, allowed=SPEC.tools) == []


def test_every_order_looks_first_and_waits_for_it() -> None:
    _, plan = plan_of("Sell 5 shares of Nvidia at $240 limit")
    assert plan.step("order").depends_on == ["quote", "research", "positions", "account"]
    assert plan.depth() == 2  # the reads run in parallel, then the order


def test_research_queries_drop_the_filler_words() -> None:
    _, plan = plan_of("What do the notes say about NVDA risks?")
    assert plan.step("research").args["query"] == "NVDA Nvidia risks"


def test_the_grammar_examples_match_their_own_intents() -> None:
    assert unmatched_examples(GRAMMAR) == []
    assert all(GRAMMAR.match(example) is not None for example in SPEC.examples)


@pytest.mark.parametrize(
    ("request_", "problem"),
    [
        ("buy some Apple", "how many shares"),
        ("Buy 10 shares", "which stock"),
        ("buy 10 AAPL at $120.505", "tick size"),
        ("cancel my order", "which order"),
        ("Buy 10 NVDA if the moon is full", "the condition 'the moon is full'"),
        ("Show the last 5000 bars of AAPL", "5000 bars (at most 1000)"),
    ],
)
def test_a_known_form_missing_a_slot_says_what_to_add(request_: str, problem: str) -> None:
    with pytest.raises(UnclearRequestError, match="understood") as raised:
        plan_of(request_)
    assert problem in str(raised.value)
    assert "e.g." in str(raised.value)


async def test_a_request_outside_the_grammar_lists_what_it_understands() -> None:
    with pytest.raises(OutsideGrammarError) as raised:
        await RulePlanner(GRAMMAR).plan(PlanningContext(request="sing me a song"))
    message = str(raised.value)
    assert "does not understand 'sing me a song'" in message
    for intent in GRAMMAR.intents:
        assert intent.description in message
    assert '"Buy 10 NVDA if its 14-day RSI is below 30"' in message
    assert "--model" in message
