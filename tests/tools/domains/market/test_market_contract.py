"""One contract, two backends: the sandbox in process, and HTTP to the sandbox REST server.

Every case compares what the backend under test answers with what a reference sandbox (same
seed, same clock) answers: results as JSON, errors by type and reason.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from plangate.tools.clock import FakeClock
from plangate.tools.domains.market.backend import MarketDataBackend
from plangate.tools.domains.market.models import Bar, Timeframe
from plangate.tools.domains.market.sandbox import SandboxMarketBackend
from plangate.tools.errors import ToolError, ToolRefusedError

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
SATURDAY = datetime(2026, 3, 7, 15, 0, tzinfo=UTC)


async def outcome(call: Callable[[], Awaitable[Any]]) -> Any:
    """A call's result as JSON, or its error as (type, reason)."""
    try:
        result = await call()
    except ToolError as exc:
        return (type(exc).__name__, getattr(exc, "reason", None))
    return result.model_dump(mode="json") if hasattr(result, "model_dump") else result


async def test_implements_the_protocol(market: MarketDataBackend) -> None:
    assert isinstance(market, MarketDataBackend)


async def test_latest_quote(
    market: MarketDataBackend, reference: SandboxMarketBackend, clock: FakeClock
) -> None:
    for symbol in ("AAPL", "SPY", "KO"):
        quote = await market.latest_quote(symbol)
        expected = await reference.latest_quote(symbol)
        assert quote.model_dump(mode="json") == expected.model_dump(mode="json")
        assert quote.timestamp == NOW
    clock.advance(-6 * 3600)  # before the open: the last close
    assert await outcome(lambda: market.latest_quote("AAPL")) == await outcome(
        lambda: reference.latest_quote("AAPL")
    )


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"timeframe": Timeframe.DAY, "limit": 10},
        {"timeframe": Timeframe.HOUR, "start": NOW - timedelta(days=3)},
        {"timeframe": Timeframe.MIN15, "start": NOW - timedelta(days=1), "end": NOW},
        {"start": datetime(2026, 1, 2, tzinfo=UTC), "end": datetime(2026, 1, 9, tzinfo=UTC)},
    ],
)
async def test_bars(
    market: MarketDataBackend, reference: SandboxMarketBackend, query: dict[str, Any]
) -> None:
    page = await market.bars("MSFT", **query)
    assert page.bars
    assert page.model_dump(mode="json") == await outcome(lambda: reference.bars("MSFT", **query))


async def test_pagination_follows_next_page_token(
    market: MarketDataBackend, reference: SandboxMarketBackend
) -> None:
    bars: list[Bar] = []
    token: str | None = None
    for _ in range(10):
        page = await market.bars("AAPL", Timeframe.DAY, limit=60, page_token=token)
        bars.extend(page.bars)
        token = page.next_page_token
        if token is None:
            break
    assert token is None
    assert bars == (await reference.bars("AAPL", Timeframe.DAY)).bars


async def test_market_clock(market: MarketDataBackend, reference: SandboxMarketBackend) -> None:
    for at in (None, SATURDAY, NOW + timedelta(hours=6)):
        got = await market.market_clock(at)
        assert got.model_dump(mode="json") == (await reference.market_clock(at)).model_dump(
            mode="json"
        )
    assert await market.is_market_open() is True
    assert await market.is_market_open(SATURDAY) is False


@pytest.mark.parametrize(
    ("symbol", "query", "reason"),
    [
        ("APPL", {}, "unknown_ticker"),
        ("ZZZZ", {}, "unknown_ticker"),
        ("aapl", {}, "invalid"),
        ("AAPL", {"timeframe": "5Min"}, "invalid"),
        ("AAPL", {"limit": 0}, "invalid"),
        ("AAPL", {"page_token": "not-a-token"}, "invalid"),
        ("AAPL", {"start": datetime(2026, 2, 2)}, "invalid"),
        ("AAPL", {"start": NOW, "end": NOW - timedelta(days=2)}, "invalid"),
    ],
)
async def test_refusals(
    market: MarketDataBackend,
    reference: SandboxMarketBackend,
    symbol: str,
    query: dict[str, Any],
    reason: str,
) -> None:
    got = await outcome(lambda: market.bars(symbol, **query))
    assert got == ("ToolRefusedError", reason)
    assert got == await outcome(lambda: reference.bars(symbol, **query))


async def test_unknown_ticker_hint_survives_the_round_trip(market: MarketDataBackend) -> None:
    with pytest.raises(ToolRefusedError) as info:
        await market.latest_quote("APPL")
    assert info.value.reason == "unknown_ticker"
    assert info.value.hint.startswith("Did you mean AAPL")
