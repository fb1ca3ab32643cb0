"""The trading assistant's scripted demo scenarios.

Each runs offline on the seeded sandbox at ``NOW``, Monday 2 March 2026, 10:00 in New York (the
market is open), whatever the hour it is started at; ``tests/agents/trading`` runs them there:

- ``buy_apple``: the quote, the research notes, the positions and the account are read in
  parallel, then the market order waits for approval and fills at the ask.
- ``rsi_dip_nvidia``: NVDA's 14-day RSI (58.25 as of 27 February) is not below 30, so the
  order is skipped and nothing needs approval.
- ``rsi_dip_exxon``: XOM's 14-day RSI (28.92) is below 30, so the order goes to approval and
  fills.
- ``limit_microsoft``: a limit order below the ask; approved, it rests as an open order (a
  limit order is accepted at any hour, also when the market is closed).
- ``over_the_limit``: 300 MSFT is worth about $118,000 at the ask, over the $25,000 limit per
  order; the policy blocks it and the report explains it with the figures.
- ``restricted_symbol``: TSLA is on the default restricted list; the order is blocked.
- ``rejected_by_user``: the person rejects the order at approval; nothing is placed.

At another moment (``plangate run --now``) the indicators and prices differ, so a condition may
go the other way, and market orders are refused while the market is closed (the report says so).
"""

from __future__ import annotations

from datetime import UTC, datetime

from plangate.demos.scenarios.base import Scenario

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
"""When the trading scenarios run: Monday 2 March 2026, 10:00 in New York (the market is
open).
"""

SCENARIOS: list[Scenario] = [
    Scenario(
        name="buy_apple",
        title="Buy 10 Apple shares: look first, then order after approval",
        request="Buy 10 shares of AAPL",
        now=NOW,
    ),
    Scenario(
        name="rsi_dip_nvidia",
        title="A conditional order whose condition is false: skipped",
        request="Buy 10 NVDA if its 14-day RSI is below 30",
        now=NOW,
    ),
    Scenario(
        name="rsi_dip_exxon",
        title="A conditional order whose condition holds: approved and placed",
        request="Buy 20 shares of Exxon if its 14-day RSI is below 30",
        now=NOW,
    ),
    Scenario(
        name="limit_microsoft",
        title="A limit order below the market: approved, it rests as an open order",
        request="Buy 5 shares of Microsoft at $380 limit",
        now=NOW,
    ),
    Scenario(
        name="over_the_limit",
        title="An order over the $25,000 notional limit: blocked by the policy",
        request="Buy 300 shares of MSFT",
        now=NOW,
    ),
    Scenario(
        name="restricted_symbol",
        title="An order in a restricted symbol: blocked by compliance",
        request="Buy 5 shares of Tesla",
        now=NOW,
    ),
    Scenario(
        name="rejected_by_user",
        title="An order the person rejects at approval: nothing is placed",
        request="Buy 3 shares of Nvidia",
        now=NOW,
        approve=False,
    ),
]
"""The scenarios, in the order the demo plays them."""
