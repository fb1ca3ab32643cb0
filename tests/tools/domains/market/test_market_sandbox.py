"""The sandbox market: seeded, order-independent series; completed bars only; quotes; paging."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from plangate.tools.clock import FakeClock
from plangate.tools.domains.market import sessions
from plangate.tools.domains.market.models import Timeframe
from plangate.tools.domains.market.sandbox import SandboxMarketBackend
from plangate.tools.domains.world import TICKERS, TICKERS_BY_SYMBOL
from plangate.tools.errors import ToolRefusedError

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
SEED = 7


async def test_a_year_of_daily_bars_ends_at_the_last_closed_session(
    sandbox: SandboxMarketBackend,
) -> None:
    page = await sandbox.bars("AAPL", Timeframe.DAY)
    days = [sessions.local_date(bar.t) for bar in page.bars]
    assert days == sessions.trading_days(date(2025, 3, 2), date(2026, 2, 27))
    assert len(days) >= 245
    assert page.next_page_token is None
    assert all(bar.t == sessions.midnight(day) for bar, day in zip(page.bars, days, strict=True))


async def test_every_world_ticker_has_prices_near_its_base(sandbox: SandboxMarketBackend) -> None:
    for ticker in TICKERS:
        first = (await sandbox.bars(ticker.symbol, limit=1)).bars[0]
        assert abs(float(first.o) / ticker.base_price - 1) < 0.1, ticker.symbol
    assert sandbox.audit() == []


async def test_same_seed_same_series_different_seed_different(clock: FakeClock) -> None:
    one = await SandboxMarketBackend(seed=SEED, clock=clock).bars("NVDA")
    again = await SandboxMarketBackend(seed=SEED, clock=clock).bars("NVDA")
    other = await SandboxMarketBackend(seed=SEED + 1, clock=clock).bars("NVDA")
    assert one == again
    assert [b.c for b in one.bars] != [b.c for b in other.bars]


async def test_a_series_does_not_depend_on_what_was_asked_before(clock: FakeClock) -> None:
    alone = SandboxMarketBackend(seed=SEED, clock=clock)
    busy = SandboxMarketBackend(seed=SEED, clock=clock)
    for symbol in ("MSFT", "TSLA", "KO"):
        await busy.bars(symbol, Timeframe.MIN15, limit=50)
        await busy.latest_quote(symbol)
    assert await alone.bars("AAPL") == await busy.bars("AAPL")
    assert await alone.latest_quote("AAPL") == await busy.latest_quote("AAPL")


async def test_volatility_shows_in_the_daily_returns(sandbox: SandboxMarketBackend) -> None:
    def realised(symbol: str, closes: list[Decimal]) -> float:
        returns = [float(b / a) - 1 for a, b in itertools.pairwise(closes)]
        mean = sum(returns) / len(returns)
        return float((sum((r - mean) ** 2 for r in returns) / len(returns)) ** 0.5 * 252**0.5)

    for symbol in ("KO", "TSLA"):
        closes = [bar.c for bar in (await sandbox.bars(symbol)).bars]
        expected = TICKERS_BY_SYMBOL[symbol].volatility
        assert expected * 0.7 < realised(symbol, closes) < expected * 1.3


async def test_daily_and_hourly_bars_aggregate_the_15_minute_bars(
    sandbox: SandboxMarketBackend,
) -> None:
    day = datetime(2026, 2, 27, tzinfo=UTC)
    quarter = (
        await sandbox.bars("MSFT", Timeframe.MIN15, start=day, end=day + timedelta(days=1))
    ).bars
    hourly = (
        await sandbox.bars("MSFT", Timeframe.HOUR, start=day, end=day + timedelta(days=1))
    ).bars
    daily = (await sandbox.bars("MSFT", Timeframe.DAY, start=day, end=day + timedelta(days=1))).bars
    assert len(quarter) == 26
    assert [b.t.hour for b in hourly] == [14, 15, 16, 17, 18, 19, 20]  # 09:00-15:00 New York
    assert len(daily) == 1
    for bars in (quarter, hourly):
        assert (bars[0].o, bars[-1].c) == (daily[0].o, daily[0].c)
        assert max(b.h for b in bars) == daily[0].h
        assert min(b.l for b in bars) == daily[0].l
        assert sum(b.v for b in bars) == daily[0].v
    assert all(a.c == b.o for a, b in itertools.pairwise(quarter))


async def test_only_completed_bars_are_served_and_time_reveals_more(
    sandbox: SandboxMarketBackend, clock: FakeClock
) -> None:
    today = NOW.replace(hour=0)
    quarter = (await sandbox.bars("AAPL", Timeframe.MIN15, start=today)).bars
    # 15:00 UTC is 10:00 New York: the 09:30 and 09:45 bars have ended.
    assert [b.t for b in quarter] == [
        NOW.replace(hour=14, minute=30),
        NOW.replace(hour=14, minute=45),
    ]
    hourly = (await sandbox.bars("AAPL", Timeframe.HOUR, start=today)).bars
    assert [b.t for b in hourly] == [NOW.replace(hour=14)]
    before = (await sandbox.bars("AAPL")).bars
    assert before[-1].t == sessions.midnight(date(2026, 2, 27))
    clock.advance(6 * 3600)  # 16:00 New York: Monday's session has closed
    after = (await sandbox.bars("AAPL")).bars
    assert after[-1].t == sessions.midnight(date(2026, 3, 2))
    assert after[:-1] == before
    assert after[-1].o == quarter[0].o


async def test_a_quote_during_the_session_follows_the_path(
    sandbox: SandboxMarketBackend, clock: FakeClock
) -> None:
    quote = await sandbox.latest_quote("AAPL")
    assert quote.timestamp == NOW
    assert Decimal("0.02") <= quote.ask_price - quote.bid_price <= quote.mid * Decimal("0.0005")
    assert quote.bid_size > 0
    assert quote.ask_size > 0
    # At 10:00 the price is the close of the 09:45 bar.
    bar = (await sandbox.bars("AAPL", Timeframe.MIN15, start=NOW.replace(hour=14, minute=45))).bars[
        0
    ]
    assert quote.mid == bar.c
    clock.advance(60)
    assert (await sandbox.latest_quote("AAPL")).mid != quote.mid


async def test_a_quote_while_closed_is_the_last_close(
    sandbox: SandboxMarketBackend, clock: FakeClock
) -> None:
    clock.advance(-5 * 3600)  # 05:00 New York, before the open
    quote = await sandbox.latest_quote("AAPL")
    last = (await sandbox.bars("AAPL")).bars[-1]
    assert quote.mid == last.c
    assert quote.timestamp == sessions.session_close(date(2026, 2, 27))
    clock.advance(3600)
    assert await sandbox.latest_quote("AAPL") == quote


async def test_pages_join_into_the_whole(sandbox: SandboxMarketBackend) -> None:
    whole = (await sandbox.bars("GS", Timeframe.DAY)).bars
    joined, token, pages = [], None, 0
    while True:
        page = await sandbox.bars("GS", Timeframe.DAY, limit=100, page_token=token)
        joined.extend(page.bars)
        pages += 1
        token = page.next_page_token
        if token is None:
            break
    assert joined == whole
    assert pages == 3


async def test_a_range_is_inclusive_of_bar_starts(sandbox: SandboxMarketBackend) -> None:
    start, end = sessions.midnight(date(2026, 2, 2)), sessions.midnight(date(2026, 2, 6))
    bars = (await sandbox.bars("KO", start=start, end=end)).bars
    assert [b.t for b in bars] == [sessions.midnight(date(2026, 2, d)) for d in range(2, 7)]


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"limit": 0}, "invalid"),
        ({"limit": 10_001}, "invalid"),
        ({"start": datetime(2026, 2, 2)}, "invalid"),
        ({"start": NOW, "end": NOW - timedelta(days=1)}, "invalid"),
        ({"page_token": "garbage"}, "invalid"),
        ({"timeframe": "5Min"}, "invalid"),
    ],
)
async def test_bad_bar_requests_are_refused(
    sandbox: SandboxMarketBackend, kwargs: dict[str, object], reason: str
) -> None:
    with pytest.raises(ToolRefusedError) as info:
        await sandbox.bars("AAPL", **kwargs)  # type: ignore[arg-type]
    assert info.value.reason == reason
    assert info.value.hint


async def test_a_page_token_only_continues_its_own_query(sandbox: SandboxMarketBackend) -> None:
    token = (await sandbox.bars("AAPL", limit=5)).next_page_token
    assert token is not None
    with pytest.raises(ToolRefusedError, match="not issued for MSFT 1Day"):
        await sandbox.bars("MSFT", page_token=token)


async def test_unknown_ticker_is_refused(sandbox: SandboxMarketBackend) -> None:
    with pytest.raises(ToolRefusedError) as info:
        await sandbox.latest_quote("APPL")
    assert info.value.reason == "unknown_ticker"
    assert "AAPL" in info.value.hint


async def test_market_hours(sandbox: SandboxMarketBackend, clock: FakeClock) -> None:
    assert await sandbox.is_market_open()
    state = await sandbox.market_clock()
    assert state.next_close == datetime(2026, 3, 2, 21, 0, tzinfo=UTC)
    saturday = datetime(2026, 3, 7, 15, 0, tzinfo=UTC)
    assert not await sandbox.is_market_open(saturday)
    assert (await sandbox.market_clock(saturday)).next_open == datetime(
        2026, 3, 9, 13, 30, tzinfo=UTC
    )
