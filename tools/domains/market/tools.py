"""The market tools: quotes, bars and indicators. All of them only read.

``compute_indicator`` fetches enough bars through the backend for the indicator to settle
(its warm-up) and returns the latest value(s) with the date they are as of, so an agent's
condition such as "RSI below 30" can be checked against a figure.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from plangate.tools.base import RetryPolicy, Tool, ToolContext, tool
from plangate.tools.domains.market import indicators
from plangate.tools.domains.market.backend import MarketDataBackend
from plangate.tools.domains.market.indicator_models import (
    ComputeIndicatorArgs,
    IndicatorPoint,
    IndicatorResult,
)
from plangate.tools.domains.market.models import (
    Bar,
    BarsArgs,
    BarSeries,
    Quote,
    QuoteArgs,
    Timeframe,
)
from plangate.tools.domains.market.sessions import local_date
from plangate.tools.errors import MalformedResponseError, ToolRefusedError

READ_RETRY = RetryPolicy(max_attempts=3, initial_delay=0.25, max_delay=4.0)
MAX_PAGES = 50
MAX_INDICATOR_BARS = 1000
_BARS_PER_SESSION = {Timeframe.DAY: 1, Timeframe.HOUR: 7, Timeframe.MIN15: 26}


def lookback(timeframe: Timeframe, count: int) -> timedelta:
    """A span of calendar time holding at least ``count`` bars of ``timeframe``.

    Sessions run on 5 days of 7, less about ten holidays a year: 1.5 calendar days per
    session plus a week covers both, with room to spare.
    """
    needed = math.ceil(count / _BARS_PER_SESSION[timeframe])
    return timedelta(days=math.ceil(needed * 1.5) + 7)


async def fetch_bars(
    backend: MarketDataBackend,
    symbol: str,
    timeframe: Timeframe,
    count: int,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[Bar]:
    """The latest ``count`` bars starting in ``[start, end]``, following every page.

    Without ``start``, reaches back just far enough (``lookback``) from ``end``, or from the
    backend's own "now" (its market clock) so a remote service's time is the one that counts.

    Raises:
        MalformedResponseError: the backend kept handing out page tokens past ``MAX_PAGES``.
    """
    if start is None:
        reference = end or (await backend.market_clock()).timestamp
        start = reference - lookback(timeframe, count)
    bars: list[Bar] = []
    token: str | None = None
    for _ in range(MAX_PAGES):
        page = await backend.bars(symbol, timeframe, start, end, min(count, 1000), token)
        bars.extend(page.bars)
        token = page.next_page_token
        if token is None:
            return bars[-count:]
    raise MalformedResponseError(
        f"market: bars of {symbol} did not end after {MAX_PAGES} pages",
        service="market",
    )


@tool(effect="read", retry=READ_RETRY)
async def get_quote(args: QuoteArgs, ctx: ToolContext[MarketDataBackend]) -> Quote:
    """Get a stock's latest bid and ask; a market buy fills at the ask, a market sell at the bid."""
    return await ctx.deps.latest_quote(args.symbol)


@tool(effect="read", retry=READ_RETRY)
async def get_bars(args: BarsArgs, ctx: ToolContext[MarketDataBackend]) -> BarSeries:
    """Get a stock's latest completed OHLCV bars (daily, hourly or 15-minute), oldest first."""
    bars = await fetch_bars(
        ctx.deps, args.symbol, args.timeframe, args.limit, start=args.start, end=args.end
    )
    return BarSeries(symbol=args.symbol, timeframe=args.timeframe, bars=bars)


@tool(effect="read", retry=READ_RETRY)
async def compute_indicator(
    args: ComputeIndicatorArgs, ctx: ToolContext[MarketDataBackend]
) -> IndicatorResult:
    """Compute SMA, EMA, RSI or MACD of a stock's closes: latest value, recent values, as-of date."""
    spec = args.indicator
    wanted = min(MAX_INDICATOR_BARS, spec.warmup() + args.tail)
    bars = await fetch_bars(ctx.deps, args.symbol, args.timeframe, wanted)
    if len(bars) < spec.min_bars():
        raise ToolRefusedError(
            f"{spec.name.upper()} needs {spec.min_bars()} {args.timeframe.value} bars of "
            f"{args.symbol}; only {len(bars)} are available",
            reason="insufficient_data",
            hint="Use a shorter period or a finer timeframe.",
        )
    series = indicators.compute(spec, np.array([float(bar.c) for bar in bars]))
    defined = np.flatnonzero(np.all([~np.isnan(values) for values in series.values()], axis=0))
    points = [
        IndicatorPoint(
            t=bars[i].t, values={name: round(float(v[i]), 4) for name, v in series.items()}
        )
        for i in defined[-args.tail :]
    ]
    latest = points[-1]
    return IndicatorResult(
        symbol=args.symbol,
        timeframe=args.timeframe,
        indicator=spec,
        as_of=latest.t,
        as_of_date=local_date(latest.t),
        value=latest.values[next(iter(series))],
        values=latest.values,
        last_close=bars[-1].c,
        bars_used=len(bars),
        tail=points,
    )


TOOLS: tuple[Tool[Any], ...] = (get_quote, get_bars, compute_indicator)
