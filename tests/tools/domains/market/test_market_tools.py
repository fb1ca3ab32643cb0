"""The market tools through ToolExecutor: quotes, bars (all pages), indicators with as-of dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pytest
import respx

from plangate.tools.clock import FakeClock
from plangate.tools.domains.market import indicators
from plangate.tools.domains.market.http import HttpMarketBackend
from plangate.tools.domains.market.indicator_models import IndicatorResult
from plangate.tools.domains.market.models import BarSeries, BarsPage, Quote, Timeframe
from plangate.tools.domains.market.sandbox import SandboxMarketBackend
from plangate.tools.domains.market.sessions import trading_days
from plangate.tools.domains.market.tools import TOOLS, lookback
from plangate.tools.errors import ToolArgsError, ToolRefusedError
from plangate.tools.executor import ToolExecutor
from plangate.tools.registry import Toolset

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


class SmallPages(SandboxMarketBackend):
    """The sandbox, serving at most 7 bars a page (as a service with a low cap would)."""

    async def bars(
        self,
        symbol: str,
        timeframe: Timeframe = Timeframe.DAY,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int = 1000,
        page_token: str | None = None,
    ) -> BarsPage:
        return await super().bars(symbol, timeframe, start, end, min(limit, 7), page_token)


def executor(backend: Any, clock: FakeClock) -> ToolExecutor:
    return ToolExecutor(Toolset(TOOLS, deps=backend), clock=clock)


def test_the_tools_are_reads_with_schemas() -> None:
    assert [t.name for t in TOOLS] == ["get_quote", "get_bars", "compute_indicator"]
    for item in TOOLS:
        assert item.effect == "read"
        assert item.retry.max_attempts > 1
        assert "symbol" in item.args_schema()["properties"]
        assert item.description[0].isupper()


async def test_get_quote(sandbox: SandboxMarketBackend, clock: FakeClock) -> None:
    out = await executor(sandbox, clock).call("get_quote", {"symbol": "AAPL"})
    assert isinstance(out.result, Quote)
    assert out.result == await sandbox.latest_quote("AAPL")
    assert out.idempotency_key is None


async def test_get_bars_returns_the_latest_bars(
    sandbox: SandboxMarketBackend, clock: FakeClock
) -> None:
    out = await executor(sandbox, clock).call("get_bars", {"symbol": "MSFT", "limit": 5})
    series: BarSeries = out.result
    everything = (await sandbox.bars("MSFT")).bars
    assert series.bars == everything[-5:]
    assert series.timeframe is Timeframe.DAY
    quarter = await executor(sandbox, clock).call(
        "get_bars", {"symbol": "MSFT", "timeframe": "15Min", "limit": 30}
    )
    bars = quarter.result.bars
    assert len(bars) == 30
    assert bars[-1].t == NOW - timedelta(minutes=15)  # the last bar that has ended
    days = [b.t.date() for b in bars]
    assert (days.count(date(2026, 3, 2)), days.count(date(2026, 2, 27))) == (2, 26)


async def test_get_bars_follows_every_page(clock: FakeClock) -> None:
    backend = SmallPages(seed=7, clock=clock)
    out = await executor(backend, clock).call("get_bars", {"symbol": "KO", "limit": 40})
    assert (
        out.result.bars == (await SandboxMarketBackend(seed=7, clock=clock).bars("KO")).bars[-40:]
    )


async def test_get_bars_with_a_start_returns_the_latest_within_the_range(
    sandbox: SandboxMarketBackend, clock: FakeClock
) -> None:
    args = {
        "symbol": "KO",
        "limit": 3,
        "start": "2026-02-02T00:00:00Z",
        "end": "2026-02-14T00:00:00Z",
    }
    bars = (await executor(sandbox, clock).call("get_bars", args)).result.bars
    assert [b.t.date() for b in bars] == [date(2026, 2, 11), date(2026, 2, 12), date(2026, 2, 13)]


def test_lookback_always_holds_enough_sessions() -> None:
    for frame, per_day in ((Timeframe.DAY, 1), (Timeframe.HOUR, 7), (Timeframe.MIN15, 26)):
        for count in (1, 5, 30, 250, 1000):
            span = lookback(frame, count)
            # The worst case: a span ending on a Monday morning around Christmas.
            first = date(2025, 12, 29) - span
            assert len(trading_days(first, date(2025, 12, 26))) * per_day >= count


async def test_rsi_is_the_wilder_rsi_of_the_latest_closes(
    sandbox: SandboxMarketBackend, clock: FakeClock
) -> None:
    out = await executor(sandbox, clock).call(
        "compute_indicator", {"symbol": "AAPL", "indicator": "rsi"}
    )
    result: IndicatorResult = out.result
    closes = [float(b.c) for b in (await sandbox.bars("AAPL")).bars][-result.bars_used :]
    expected = indicators.rsi(closes, 14)
    assert result.value == pytest.approx(expected[-1], abs=1e-4)
    assert [p.values["rsi"] for p in result.tail] == pytest.approx(expected[-5:].tolist(), abs=1e-4)
    assert 0 <= result.value <= 100
    assert result.as_of_date == date(2026, 2, 27)
    assert result.as_of == result.tail[-1].t
    assert result.bars_used == 5 * 14 + 5
    assert result.last_close == (await sandbox.bars("AAPL")).bars[-1].c


async def test_macd_reports_line_signal_and_histogram(
    sandbox: SandboxMarketBackend, clock: FakeClock
) -> None:
    args = {"symbol": "NVDA", "indicator": {"name": "macd"}, "tail": 3}
    result: IndicatorResult = (
        await executor(sandbox, clock).call("compute_indicator", args)
    ).result
    assert set(result.values) == {"macd", "signal", "histogram"}
    assert result.value == result.values["macd"]
    for point in result.tail:
        v = point.values
        assert v["histogram"] == pytest.approx(v["macd"] - v["signal"], abs=2e-4)
    assert len(result.tail) == 3


async def test_sma_of_the_day_bars(sandbox: SandboxMarketBackend, clock: FakeClock) -> None:
    args = {"symbol": "SPY", "indicator": {"name": "sma", "period": 10}, "tail": 1}
    result: IndicatorResult = (
        await executor(sandbox, clock).call("compute_indicator", args)
    ).result
    closes = [float(b.c) for b in (await sandbox.bars("SPY")).bars]
    assert result.value == pytest.approx(np.mean(closes[-10:]), abs=1e-4)


async def test_hourly_indicator(sandbox: SandboxMarketBackend, clock: FakeClock) -> None:
    args = {"symbol": "SPY", "indicator": {"name": "ema", "period": 5}, "timeframe": "1Hour"}
    result: IndicatorResult = (
        await executor(sandbox, clock).call("compute_indicator", args)
    ).result
    assert result.as_of == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    assert result.as_of_date == date(2026, 3, 2)


async def test_too_few_bars_is_refused_with_a_hint(clock: FakeClock) -> None:
    backend = HttpMarketBackend("https://data.alpaca.test", clock=clock)
    clock_body = {
        "timestamp": "2026-03-02T15:00:00Z",
        "is_open": True,
        "next_open": "2026-03-03T14:30:00Z",
        "next_close": "2026-03-02T21:00:00Z",
    }
    bars = [
        {"t": f"2026-02-2{d}T05:00:00Z", "o": 10, "h": 20, "l": 9, "c": 10 + d, "v": 1}
        for d in (5, 6, 7)
    ]
    with respx.mock:
        respx.get("https://data.alpaca.test/v2/clock").respond(200, json=clock_body)
        respx.get("https://data.alpaca.test/v2/stocks/AAPL/bars").respond(
            200, json={"bars": bars, "symbol": "AAPL"}
        )
        with pytest.raises(ToolRefusedError) as info:
            await executor(backend, clock).call(
                "compute_indicator", {"symbol": "AAPL", "indicator": "rsi"}
            )
    assert info.value.reason == "insufficient_data"
    assert "only 3" in info.value.message
    assert "shorter period" in info.value.hint
    await backend.aclose()


async def test_a_bad_symbol_is_an_args_error_and_an_unknown_one_a_refusal(
    sandbox: SandboxMarketBackend, clock: FakeClock
) -> None:
    with pytest.raises(ToolArgsError, match="did you mean 'AAPL'"):
        await executor(sandbox, clock).call("get_quote", {"symbol": "aapl"})
    with pytest.raises(ToolRefusedError) as info:
        await executor(sandbox, clock).call(
            "compute_indicator", {"symbol": "APPL", "indicator": "sma"}
        )
    assert info.value.reason == "unknown_ticker"
    assert info.value.tool == "compute_indicator"
