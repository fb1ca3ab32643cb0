"""How the trading assistant's offline planner reads what people type: a table of phrasings.

Written from how people ask (number words, ISO dates and times, typos, slang, questions), each
with the plan it should get (see ``tests/graphs/offline/phrasing_table.py``). Every row is
understood now; a phrasing found not understood is added with ``gap`` (a strict expected
failure) until it is.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from plangate.agents.trading.grammar import GRAMMAR
from tests.graphs.offline.phrasing_table import (
    ASK,
    NOT_PLANNED,
    Planned,
    is_right,
    outcome_of,
    share_understood,
)

TODAY = date(2026, 3, 2)  # a Monday
FLOOR = 1.0
"""The share of rows understood when this table was written; it may only go up."""

ROWS: list[Any] = [
    (
        "buy twenty shares of AAPL",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {
                "get_quote.symbol": "AAPL",
                "place_order.symbol": "AAPL",
                "place_order.side": "buy",
                "place_order.qty": 20,
                "place_order.type": "market",
            },
        ),
    ),
    (
        "buy a dozen shares of NVDA",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {
                "get_quote.symbol": "NVDA",
                "place_order.symbol": "NVDA",
                "place_order.side": "buy",
                "place_order.qty": 12,
                "place_order.type": "market",
            },
        ),
    ),
    (
        "Buy 10 shares of Apple",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {
                "get_quote.symbol": "AAPL",
                "place_order.symbol": "AAPL",
                "place_order.side": "buy",
                "place_order.qty": 10,
                "place_order.type": "market",
            },
        ),
    ),
    (
        "purchase fifty MSFT",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {
                "get_quote.symbol": "MSFT",
                "place_order.symbol": "MSFT",
                "place_order.side": "buy",
                "place_order.qty": 50,
                "place_order.type": "market",
            },
        ),
    ),
    (
        "sell 5 shares of Nvidia at $240 limit",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {
                "get_quote.symbol": "NVDA",
                "place_order.symbol": "NVDA",
                "place_order.side": "sell",
                "place_order.qty": 5,
                "place_order.type": "limit",
                "place_order.limit_price": "240",
            },
        ),
    ),
    (
        "sell three TSLA",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {
                "get_quote.symbol": "TSLA",
                "place_order.symbol": "TSLA",
                "place_order.side": "sell",
                "place_order.qty": 3,
                "place_order.type": "market",
            },
        ),
    ),
    (
        "buy 15 AMZN at a limit of 180",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {
                "get_quote.symbol": "AMZN",
                "place_order.symbol": "AMZN",
                "place_order.side": "buy",
                "place_order.qty": 15,
                "place_order.type": "limit",
                "place_order.limit_price": "180",
            },
        ),
    ),
    (
        "please buy one hundred shares of Intel",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {
                "get_quote.symbol": "INTC",
                "place_order.symbol": "INTC",
                "place_order.side": "buy",
                "place_order.qty": 100,
                "place_order.type": "market",
            },
        ),
    ),
    (
        "get me 25 shares of Google",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {
                "get_quote.symbol": "GOOGL",
                "place_order.symbol": "GOOGL",
                "place_order.side": "buy",
                "place_order.qty": 25,
                "place_order.type": "market",
            },
        ),
    ),
    (
        "grab ten shares of Microsft",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {
                "get_quote.symbol": "MSFT",
                "place_order.symbol": "MSFT",
                "place_order.side": "buy",
                "place_order.qty": 10,
                "place_order.type": "market",
            },
        ),
    ),
    (
        "buy 10 shares of Telsa",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {
                "get_quote.symbol": "TSLA",
                "place_order.symbol": "TSLA",
                "place_order.side": "buy",
                "place_order.qty": 10,
                "place_order.type": "market",
            },
        ),
    ),
    (
        "buy 7 nvda",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {
                "get_quote.symbol": "NVDA",
                "place_order.symbol": "NVDA",
                "place_order.side": "buy",
                "place_order.qty": 7,
                "place_order.type": "market",
            },
        ),
    ),
    (
        "sell two hundred shares of Pfizer",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {
                "get_quote.symbol": "PFE",
                "place_order.symbol": "PFE",
                "place_order.side": "sell",
                "place_order.qty": 200,
                "place_order.type": "market",
            },
        ),
    ),
    (
        "buy 12 META",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {
                "get_quote.symbol": "META",
                "place_order.symbol": "META",
                "place_order.side": "buy",
                "place_order.qty": 12,
                "place_order.type": "market",
            },
        ),
    ),
    (
        "buy 30 shares of Coca-Cola",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {
                "get_quote.symbol": "KO",
                "place_order.symbol": "KO",
                "place_order.side": "buy",
                "place_order.qty": 30,
                "place_order.type": "market",
            },
        ),
    ),
    (
        "buy forty-two shares of Disney",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {
                "get_quote.symbol": "DIS",
                "place_order.symbol": "DIS",
                "place_order.side": "buy",
                "place_order.qty": 42,
                "place_order.type": "market",
            },
        ),
    ),
    (
        "sell 8 JPM limit 190.50",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {
                "get_quote.symbol": "JPM",
                "place_order.symbol": "JPM",
                "place_order.side": "sell",
                "place_order.qty": 8,
                "place_order.type": "limit",
                "place_order.limit_price": "190.50",
            },
        ),
    ),
    (
        "I want to buy 5 shares of Netflix",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {
                "get_quote.symbol": "NFLX",
                "place_order.symbol": "NFLX",
                "place_order.side": "buy",
                "place_order.qty": 5,
                "place_order.type": "market",
            },
        ),
    ),
    (
        "pick up 20 shares of Exxon",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {
                "get_quote.symbol": "XOM",
                "place_order.symbol": "XOM",
                "place_order.side": "buy",
                "place_order.qty": 20,
                "place_order.type": "market",
            },
        ),
    ),
    (
        "buy 3 shares of Costco good till cancelled",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {
                "get_quote.symbol": "COST",
                "place_order.symbol": "COST",
                "place_order.side": "buy",
                "place_order.qty": 3,
                "place_order.type": "market",
            },
        ),
    ),
    ("buy $1000 of AAPL", Planned(("get_quote", "get_account"), {"get_quote.symbol": "AAPL"})),
    (
        "invest 500 dollars in Nvidia",
        Planned(("get_quote", "get_account"), {"get_quote.symbol": "NVDA"}),
    ),
    (
        "put $2,000 into Microsoft",
        Planned(("get_quote", "get_account"), {"get_quote.symbol": "MSFT"}),
    ),
    (
        "spend five hundred dollars on Tesla",
        Planned(("get_quote", "get_account"), {"get_quote.symbol": "TSLA"}),
    ),
    (
        "buy $750 worth of Amazon",
        Planned(("get_quote", "get_account"), {"get_quote.symbol": "AMZN"}),
    ),
    (
        "buy 10 NVDA if its RSI is below 30",
        Planned(
            (
                "get_quote",
                "search_documents",
                "get_positions",
                "get_account",
                "compute_indicator",
                "place_order",
            ),
            {
                "get_quote.symbol": "NVDA",
                "compute_indicator.name": "rsi",
                "place_order.symbol": "NVDA",
                "place_order.side": "buy",
                "place_order.qty": 10,
                "place_order.type": "market",
            },
        ),
    ),
    (
        "if NVDA's 14-day RSI drops below 30, buy ten shares",
        Planned(
            (
                "get_quote",
                "search_documents",
                "get_positions",
                "get_account",
                "compute_indicator",
                "place_order",
            ),
            {
                "get_quote.symbol": "NVDA",
                "compute_indicator.name": "rsi",
                "place_order.symbol": "NVDA",
                "place_order.side": "buy",
                "place_order.qty": 10,
                "place_order.type": "market",
            },
        ),
    ),
    (
        "buy 20 AAPL if the price is under 150",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {
                "get_quote.symbol": "AAPL",
                "place_order.symbol": "AAPL",
                "place_order.side": "buy",
                "place_order.qty": 20,
                "place_order.type": "market",
            },
        ),
    ),
    (
        "sell 5 TSLA if RSI is above 70",
        Planned(
            (
                "get_quote",
                "search_documents",
                "get_positions",
                "get_account",
                "compute_indicator",
                "place_order",
            ),
            {
                "get_quote.symbol": "TSLA",
                "compute_indicator.name": "rsi",
                "place_order.symbol": "TSLA",
                "place_order.side": "sell",
                "place_order.qty": 5,
                "place_order.type": "market",
            },
        ),
    ),
    (
        "buy fifteen shares of AMD if the 50-day SMA is above the 200-day SMA",
        Planned(
            (
                "get_quote",
                "search_documents",
                "get_positions",
                "get_account",
                "compute_indicator",
                "compute_indicator",
                "place_order",
            ),
            {
                "get_quote.symbol": "AMD",
                "compute_indicator.name": "sma",
                "place_order.symbol": "AMD",
                "place_order.side": "buy",
                "place_order.qty": 15,
                "place_order.type": "market",
            },
        ),
    ),
    ("Show my positions", Planned(("get_positions",), {})),
    ("How much cash do I have?", Planned(("get_account",), {})),
    ("what do I own", Planned(("get_positions",), {})),
    ("show my open orders", Planned(("list_orders",), {"list_orders.status": "open"})),
    ("what's my buying power", Planned(("get_account",), {})),
    ("show my portfolio", Planned(("get_account", "get_positions"), {})),
    ("how is my account doing", Planned(("get_account",), {})),
    ("what's my balance", Planned(("get_account",), {})),
    ("list my pending orders", Planned(("list_orders",), {"list_orders.status": "open"})),
    ("show my holdings please", Planned(("get_positions",), {})),
    (
        "What's the 14-day RSI of NVDA?",
        Planned(
            ("get_quote", "compute_indicator"),
            {"get_quote.symbol": "NVDA", "compute_indicator.name": "rsi"},
        ),
    ),
    (
        "Show the 50-day SMA and MACD for Apple",
        Planned(
            ("get_quote", "compute_indicator", "compute_indicator"),
            {"get_quote.symbol": "AAPL", "compute_indicator.name": "sma"},
        ),
    ),
    (
        "what's the RSI of Tesla",
        Planned(
            ("get_quote", "compute_indicator"),
            {"get_quote.symbol": "TSLA", "compute_indicator.name": "rsi"},
        ),
    ),
    (
        "is AAPL overbought",
        Planned(
            ("get_quote", "compute_indicator"),
            {"get_quote.symbol": "AAPL", "compute_indicator.name": "rsi"},
        ),
    ),
    (
        "compute the 20 day EMA of MSFT",
        Planned(
            ("get_quote", "compute_indicator"),
            {"get_quote.symbol": "MSFT", "compute_indicator.name": "ema"},
        ),
    ),
    (
        "MACD for Nvidia",
        Planned(
            ("get_quote", "compute_indicator"),
            {"get_quote.symbol": "NVDA", "compute_indicator.name": "macd"},
        ),
    ),
    (
        "what's the 200-day moving average of SPY",
        Planned(
            ("get_quote", "compute_indicator"),
            {"get_quote.symbol": "SPY", "compute_indicator.name": "sma"},
        ),
    ),
    (
        "is Amazon oversold",
        Planned(
            ("get_quote", "compute_indicator"),
            {"get_quote.symbol": "AMZN", "compute_indicator.name": "rsi"},
        ),
    ),
    (
        "Show the last 10 daily bars of AAPL",
        Planned(
            ("get_bars",),
            {"get_bars.symbol": "AAPL", "get_bars.timeframe": "1Day", "get_bars.limit": 10},
        ),
    ),
    (
        "Hourly candles for Tesla",
        Planned(
            ("get_bars",),
            {"get_bars.symbol": "TSLA", "get_bars.timeframe": "1Hour", "get_bars.limit": 30},
        ),
    ),
    (
        "show the last twenty bars of NVDA",
        Planned(
            ("get_bars",),
            {"get_bars.symbol": "NVDA", "get_bars.timeframe": "1Day", "get_bars.limit": 20},
        ),
    ),
    (
        "price history of Microsoft",
        Planned(
            ("get_bars",),
            {"get_bars.symbol": "MSFT", "get_bars.timeframe": "1Day", "get_bars.limit": 30},
        ),
    ),
    (
        "15-minute bars for AMD",
        Planned(
            ("get_bars",),
            {"get_bars.symbol": "AMD", "get_bars.timeframe": "15Min", "get_bars.limit": 30},
        ),
    ),
    (
        "show me a chart of Meta",
        Planned(
            ("get_bars",),
            {"get_bars.symbol": "META", "get_bars.timeframe": "1Day", "get_bars.limit": 30},
        ),
    ),
    (
        "last five daily candles of Google",
        Planned(
            ("get_bars",),
            {"get_bars.symbol": "GOOGL", "get_bars.timeframe": "1Day", "get_bars.limit": 5},
        ),
    ),
    ("What do the notes say about NVDA risks?", Planned(("search_documents",), {})),
    (
        "Read the research note on AMD",
        Planned(("get_document",), {"get_document.doc_id": "research/amd"}),
    ),
    ("what's the house view on Apple", Planned(("search_documents",), {})),
    ("any research on Tesla", Planned(("search_documents",), {})),
    ("what are the catalysts for Microsoft", Planned(("search_documents",), {})),
    ("what's your take on Nvidia", Planned(("search_documents",), {})),
    ("what's the outlook for Amazon", Planned(("search_documents",), {})),
    ("What's the price of AAPL?", Planned(("get_quote",), {"get_quote.symbol": "AAPL"})),
    (
        "Quotes for Microsoft and Nvidia",
        Planned(("get_quote", "get_quote"), {"get_quote.symbol": "MSFT"}),
    ),
    ("how much is Tesla trading at", Planned(("get_quote",), {"get_quote.symbol": "TSLA"})),
    ("what's NVDA at", Planned(("get_quote",), {"get_quote.symbol": "NVDA"})),
    ("price of apple", Planned(("get_quote",), {"get_quote.symbol": "AAPL"})),
    ("what is Google going for", Planned(("get_quote",), {"get_quote.symbol": "GOOGL"})),
    ("quote META", Planned(("get_quote",), {"get_quote.symbol": "META"})),
    ("how much does a share of Costco cost", Planned(("get_quote",), {"get_quote.symbol": "COST"})),
    (
        "give me quotes for AAPL, MSFT and AMZN",
        Planned(("get_quote", "get_quote", "get_quote"), {"get_quote.symbol": "AAPL"}),
    ),
    (
        "Cancel order 6f1c2a9e-0b7d-4e55-9a3b-2c8d1e0f4a6b",
        Planned(
            ("cancel_order",), {"cancel_order.order_id": "6f1c2a9e-0b7d-4e55-9a3b-2c8d1e0f4a6b"}
        ),
    ),
    ("buy 10 appl", ASK),
    ("buy 10 shares of APPL", ASK),
    ("what's the price of nvida", Planned(("get_quote",), {"get_quote.symbol": "NVDA"})),
    (
        "buy twenty shares of Nvdia",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {
                "get_quote.symbol": "NVDA",
                "place_order.symbol": "NVDA",
                "place_order.side": "buy",
                "place_order.qty": 20,
                "place_order.type": "market",
            },
        ),
    ),
    (
        "show the RSI of Micorsoft",
        Planned(
            ("get_quote", "compute_indicator"),
            {"get_quote.symbol": "MSFT", "compute_indicator.name": "rsi"},
        ),
    ),
    (
        "sell half of my TSLA position",
        Planned(
            ("get_positions", "get_quote", "place_order"),
            {"place_order.symbol": "TSLA", "place_order.side": "sell"},
        ),
    ),
    (
        "cancel my open order for META",
        Planned(("list_orders", "cancel_order"), {"list_orders.status": "open"}),
    ),
    (
        "sell half my Tesla shares",
        Planned(
            ("get_positions", "get_quote", "place_order"),
            {
                "place_order.symbol": "TSLA",
                "place_order.side": "sell",
                "place_order.qty": "${floor(positions[symbol == 'TSLA'][0].qty / 2)}",
            },
        ),
    ),
    (
        "Sell a third of my NVDA position",
        Planned(
            ("get_positions", "get_quote", "place_order"),
            {
                "place_order.symbol": "NVDA",
                "place_order.side": "sell",
                "place_order.qty": "${floor(positions[symbol == 'NVDA'][0].qty / 3)}",
            },
        ),
    ),
    (
        "sell a quarter of my nvidia holding",
        Planned(
            ("get_positions", "get_quote", "place_order"),
            {
                "place_order.symbol": "NVDA",
                "place_order.side": "sell",
                "place_order.qty": "${floor(positions[symbol == 'NVDA'][0].qty / 4)}",
            },
        ),
    ),
    (
        "sell 25% of my Apple shares",
        Planned(
            ("get_positions", "get_quote", "place_order"),
            {
                "place_order.symbol": "AAPL",
                "place_order.side": "sell",
                "place_order.qty": "${floor(positions[symbol == 'AAPL'][0].qty * 25 / 100)}",
            },
        ),
    ),
    (
        "please sell 40 percent of my MSFT stake",
        Planned(
            ("get_positions", "get_quote", "place_order"),
            {
                "place_order.symbol": "MSFT",
                "place_order.side": "sell",
                "place_order.qty": "${floor(positions[symbol == 'MSFT'][0].qty * 40 / 100)}",
            },
        ),
    ),
    (
        "sell two thirds of my AMD holding",
        Planned(
            ("get_positions", "get_quote", "place_order"),
            {
                "place_order.symbol": "AMD",
                "place_order.side": "sell",
                "place_order.qty": "${floor(positions[symbol == 'AMD'][0].qty * 2 / 3)}",
            },
        ),
    ),
    (
        "trim my Microsoft position by a third",
        Planned(
            ("get_positions", "get_quote", "place_order"),
            {
                "place_order.symbol": "MSFT",
                "place_order.side": "sell",
                "place_order.qty": "${floor(positions[symbol == 'MSFT'][0].qty / 3)}",
            },
        ),
    ),
    (
        "unload three quarters of my Netflix shares",
        Planned(
            ("get_positions", "get_quote", "place_order"),
            {
                "place_order.symbol": "NFLX",
                "place_order.side": "sell",
                "place_order.qty": "${floor(positions[symbol == 'NFLX'][0].qty * 3 / 4)}",
            },
        ),
    ),
    (
        "dump half of my $AAPL",
        Planned(
            ("get_positions", "get_quote", "place_order"),
            {
                "place_order.symbol": "AAPL",
                "place_order.side": "sell",
                "place_order.qty": "${floor(positions[symbol == 'AAPL'][0].qty / 2)}",
            },
        ),
    ),
    (
        "I'd like to sell half of my Google position",
        Planned(
            ("get_positions", "get_quote", "place_order"),
            {
                "place_order.symbol": "GOOGL",
                "place_order.side": "sell",
                "place_order.qty": "${floor(positions[symbol == 'GOOGL'][0].qty / 2)}",
            },
        ),
    ),
    (
        "cancel the open AAPL order",
        Planned(
            ("list_orders", "cancel_order"),
            {
                "list_orders.status": "open",
                "cancel_order.order_id": "${orders.orders[symbol == 'AAPL'][0].id}",
            },
        ),
    ),
    (
        "please cancel my pending Tesla order",
        Planned(
            ("list_orders", "cancel_order"),
            {
                "list_orders.status": "open",
                "cancel_order.order_id": "${orders.orders[symbol == 'TSLA'][0].id}",
            },
        ),
    ),
    (
        "withdraw my open order on NVDA",
        Planned(
            ("list_orders", "cancel_order"),
            {
                "list_orders.status": "open",
                "cancel_order.order_id": "${orders.orders[symbol == 'NVDA'][0].id}",
            },
        ),
    ),
    (
        "cancel my open sell order for Microsoft",
        Planned(
            ("list_orders", "cancel_order"),
            {
                "list_orders.status": "open",
                "cancel_order.order_id": "${orders.orders[symbol == 'MSFT' and side == 'sell'][0].id}",
            },
        ),
    ),
    (
        "pull my META buy order",
        Planned(
            ("list_orders", "cancel_order"),
            {
                "list_orders.status": "open",
                "cancel_order.order_id": "${orders.orders[symbol == 'META' and side == 'buy'][0].id}",
            },
        ),
    ),
    ("cancel all my open orders", NOT_PLANNED),
    ("sell half a share of AAPL", NOT_PLANNED),
    ("sell 150% of my AAPL position", NOT_PLANNED),
    ("how many shares of Apple do we hold", Planned(("get_positions",), {})),
    (
        "invest two thousand dollars in Apple",
        Planned(("get_quote", "get_account"), {"get_quote.symbol": "AAPL"}),
    ),
    (
        "spend $300 on Microsoft",
        Planned(("get_quote", "get_account"), {"get_quote.symbol": "MSFT"}),
    ),
    (
        "sell 5 AAPL if the price is above two hundred",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {"place_order.symbol": "AAPL", "place_order.side": "sell", "place_order.qty": 5},
        ),
    ),
    ("sell all my Tesla shares", NOT_PLANNED),
    ("buy 10 AAPL tomorrow", NOT_PLANNED),
    ("buy 10 AAPL on margin", NOT_PLANNED),
    ("short 50 TSLA", NOT_PLANNED),
    ("buy 2.5 shares of AAPL", NOT_PLANNED),
    ("buy options on AAPL", NOT_PLANNED),
    ("transfer $5000 to my bank", NOT_PLANNED),
    ("buy 10 AAPL and sell 5 MSFT", NOT_PLANNED),
    ("sell 10 shares of AAPL at 2026-03-02 09:30", NOT_PLANNED),
    (
        "buy 10 AAPL at 195.5 limit gtc",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {
                "get_quote.symbol": "AAPL",
                "place_order.symbol": "AAPL",
                "place_order.side": "buy",
                "place_order.qty": 10,
                "place_order.type": "limit",
                "place_order.limit_price": "195.5",
            },
        ),
    ),
    (
        "buy a couple of shares of Nvidia",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {
                "get_quote.symbol": "NVDA",
                "place_order.symbol": "NVDA",
                "place_order.side": "buy",
                "place_order.qty": 2,
                "place_order.type": "market",
            },
        ),
    ),
    (
        "buy half a dozen shares of Apple",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {
                "get_quote.symbol": "AAPL",
                "place_order.symbol": "AAPL",
                "place_order.side": "buy",
                "place_order.qty": 6,
                "place_order.type": "market",
            },
        ),
    ),
    (
        "sell seventy-five shares of Walmart",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {
                "get_quote.symbol": "WMT",
                "place_order.symbol": "WMT",
                "place_order.side": "sell",
                "place_order.qty": 75,
                "place_order.type": "market",
            },
        ),
    ),
    (
        "buy eighty shares of Boeing at $150",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {
                "get_quote.symbol": "BA",
                "place_order.symbol": "BA",
                "place_order.side": "buy",
                "place_order.qty": 80,
                "place_order.type": "limit",
                "place_order.limit_price": "150",
            },
        ),
    ),
    ("show my P&L", Planned(("get_account",), {})),
    ("what's my equity", Planned(("get_account",), {})),
    (
        "buy 10 shares of AAPL please",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {
                "get_quote.symbol": "AAPL",
                "place_order.symbol": "AAPL",
                "place_order.side": "buy",
                "place_order.qty": 10,
                "place_order.type": "market",
            },
        ),
    ),
    ("how many shares of NVDA do I own", Planned(("get_positions",), {})),
    ("what's my TSLA position worth", Planned(("get_positions",), {})),
    (
        "buy ten AAPL if RSI under thirty",
        Planned(
            (
                "get_quote",
                "search_documents",
                "get_positions",
                "get_account",
                "compute_indicator",
                "place_order",
            ),
            {"place_order.symbol": "AAPL", "place_order.qty": 10, "compute_indicator.name": "rsi"},
        ),
    ),
    (
        "buy 10 Apple shares at market",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {
                "get_quote.symbol": "AAPL",
                "place_order.symbol": "AAPL",
                "place_order.side": "buy",
                "place_order.qty": 10,
                "place_order.type": "market",
            },
        ),
    ),
    (
        "sell eleven shares of Oracle",
        Planned(
            ("get_quote", "search_documents", "get_positions", "get_account", "place_order"),
            {
                "get_quote.symbol": "ORCL",
                "place_order.symbol": "ORCL",
                "place_order.side": "sell",
                "place_order.qty": 11,
                "place_order.type": "market",
            },
        ),
    ),
]


def test_the_table_holds_at_least_a_hundred_phrasings() -> None:
    assert len(ROWS) >= 100


def test_the_share_understood_stays_above_the_floor() -> None:
    share = share_understood(ROWS)
    print(f"trading: {share:.0%} of {len(ROWS)} phrasings understood")
    assert share >= FLOOR


@pytest.mark.parametrize(("request_", "expected"), ROWS)
def test_a_phrasing_gets_its_intended_plan(request_: str, expected: Planned | str) -> None:
    got = outcome_of(GRAMMAR, request_, TODAY)
    assert is_right(expected, got), f"{request_!r}: expected {expected}, got {got}"
