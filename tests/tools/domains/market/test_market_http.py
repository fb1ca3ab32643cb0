"""HttpMarketBackend against respx: Alpaca's shapes, each status class, timeouts, paging."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest
import respx

from plangate.tools.base import RetryPolicy
from plangate.tools.clock import FakeClock
from plangate.tools.domains.market.http import HttpMarketBackend
from plangate.tools.domains.market.models import Timeframe
from plangate.tools.errors import (
    BackendError,
    MalformedResponseError,
    RateLimitedError,
    ToolRefusedError,
    ToolTimeoutError,
)

BASE = "https://data.alpaca.test"
TRADING = "https://paper-api.alpaca.test"
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
QUOTE = {
    "symbol": "AAPL",
    "quote": {
        "ap": 190.12,
        "as": 3,
        "ax": "V",
        "bp": 190.1,
        "bs": 5,
        "bx": "V",
        "c": ["R"],
        "t": "2026-03-02T15:00:00.123456789Z",
        "z": "C",
    },
}


def bar(day: int, close: float = 190.5) -> dict[str, object]:
    return {
        "t": f"2026-02-{day:02d}T05:00:00Z",
        "o": 190.0,
        "h": 191.25,
        "l": 189.5,
        "c": close,
        "v": 1200,
        "n": 10,
        "vw": 190.3,
    }


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
async def backend(clock: FakeClock) -> AsyncIterator[HttpMarketBackend]:
    client = HttpMarketBackend(
        BASE,
        trading_url=TRADING,
        key_id="key-id",
        secret_key="secret",
        clock=clock,
        retry=RetryPolicy(max_attempts=3, initial_delay=0.5, max_delay=4.0, jitter=0.0),
    )
    yield client
    await client.aclose()


@respx.mock
async def test_latest_quote_reads_alpacas_shape_with_auth_headers(
    backend: HttpMarketBackend,
) -> None:
    route = respx.get(f"{BASE}/v2/stocks/AAPL/quotes/latest").respond(200, json=QUOTE)
    quote = await backend.latest_quote("AAPL")
    assert (quote.bid_price, quote.ask_price) == (Decimal("190.10"), Decimal("190.12"))
    assert (quote.bid_size, quote.ask_size) == (5, 3)
    assert quote.timestamp.tzinfo is UTC
    headers = route.calls.last.request.headers
    assert (headers["APCA-API-KEY-ID"], headers["APCA-API-SECRET-KEY"]) == ("key-id", "secret")


@respx.mock
async def test_bars_send_alpacas_query_and_parse_the_page(backend: HttpMarketBackend) -> None:
    route = respx.get(f"{BASE}/v2/stocks/AAPL/bars").respond(
        200, json={"bars": [bar(26), bar(27)], "symbol": "AAPL", "next_page_token": "abc"}
    )
    page = await backend.bars(
        "AAPL", Timeframe.HOUR, start=datetime(2026, 2, 26, tzinfo=UTC), limit=2, page_token="prev"
    )
    params = dict(route.calls.last.request.url.params)
    assert params == {
        "timeframe": "1Hour",
        "limit": "2",
        "start": "2026-02-26T00:00:00Z",
        "page_token": "prev",
    }
    assert [b.c for b in page.bars] == [Decimal("190.50")] * 2
    assert page.next_page_token == "abc"
    assert page.timeframe is Timeframe.HOUR


@respx.mock
async def test_pagination_walks_every_page(backend: HttpMarketBackend) -> None:
    pages = {
        None: {"bars": [bar(24), bar(25)], "symbol": "AAPL", "next_page_token": "p2"},
        "p2": {"bars": [bar(26)], "symbol": "AAPL", "next_page_token": "p3"},
        "p3": {"bars": None, "symbol": "AAPL", "next_page_token": None},
    }
    respx.get(f"{BASE}/v2/stocks/AAPL/bars").mock(
        side_effect=lambda request: httpx.Response(
            200, json=pages[request.url.params.get("page_token")]
        )
    )
    seen: list[int] = []
    token: str | None = None
    while True:
        page = await backend.bars("AAPL", limit=2, page_token=token)
        seen.extend(b.t.day for b in page.bars)
        token = page.next_page_token
        if token is None:
            break
    assert seen == [24, 25, 26]


@respx.mock
async def test_market_clock_is_asked_of_the_trading_api(backend: HttpMarketBackend) -> None:
    body = {
        "timestamp": "2026-03-02T10:00:00-05:00",
        "is_open": True,
        "next_open": "2026-03-03T09:30:00-05:00",
        "next_close": "2026-03-02T16:00:00-05:00",
    }
    route = respx.get(f"{TRADING}/v2/clock").respond(200, json=body)
    state = await backend.market_clock()
    assert state.timestamp == NOW
    assert state.next_close == datetime(2026, 3, 2, 21, 0, tzinfo=UTC)
    assert await backend.is_market_open()
    assert route.call_count == 2


@respx.mock
async def test_a_refusal_keeps_its_reason_and_hint(backend: HttpMarketBackend) -> None:
    body = {
        "error": {
            "reason": "unknown_ticker",
            "message": "unknown ticker 'APPL'",
            "hint": "Did you mean AAPL?",
        }
    }
    route = respx.get(f"{BASE}/v2/stocks/APPL/quotes/latest").respond(409, json=body)
    with pytest.raises(ToolRefusedError) as info:
        await backend.latest_quote("APPL")
    assert (info.value.reason, info.value.hint) == ("unknown_ticker", "Did you mean AAPL?")
    assert route.call_count == 1


async def test_a_malformed_symbol_is_refused_before_any_request(backend: HttpMarketBackend) -> None:
    with respx.mock(assert_all_called=False) as mock:
        route = mock.get(url__startswith=BASE)
        with pytest.raises(ToolRefusedError) as info:
            await backend.latest_quote("../v2/account")
        assert info.value.reason == "invalid"
        assert not route.called


@respx.mock
async def test_unauthorized_is_a_developer_error_and_not_retried(
    backend: HttpMarketBackend,
) -> None:
    route = respx.get(f"{BASE}/v2/stocks/AAPL/quotes/latest").respond(
        401, json={"message": "unauthorized."}
    )
    with pytest.raises(BackendError, match="not authorized") as info:
        await backend.latest_quote("AAPL")
    assert info.value.status == 401
    assert not info.value.model_visible
    assert route.call_count == 1


@respx.mock
async def test_429_waits_for_retry_after_on_the_clock(
    backend: HttpMarketBackend, clock: FakeClock
) -> None:
    route = respx.get(f"{BASE}/v2/stocks/AAPL/quotes/latest").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "3"}, json={"message": "slow down"}),
            httpx.Response(200, json=QUOTE),
        ]
    )
    quote = await backend.latest_quote("AAPL")
    assert quote.ask_price == Decimal("190.12")
    assert route.call_count == 2
    assert clock.sleeps == [3.0]


@respx.mock
async def test_429_gives_up_after_the_last_attempt(backend: HttpMarketBackend) -> None:
    respx.get(f"{BASE}/v2/stocks/AAPL/quotes/latest").respond(429, headers={"Retry-After": "1"})
    with pytest.raises(RateLimitedError) as info:
        await backend.latest_quote("AAPL")
    assert info.value.retry_after == 1.0


@respx.mock
@pytest.mark.parametrize("status", [502, 503, 504])
async def test_a_5xx_on_a_read_is_retried(
    backend: HttpMarketBackend, clock: FakeClock, status: int
) -> None:
    route = respx.get(f"{BASE}/v2/stocks/AAPL/quotes/latest").mock(
        side_effect=[
            httpx.Response(status),
            httpx.Response(status),
            httpx.Response(200, json=QUOTE),
        ]
    )
    assert (await backend.latest_quote("AAPL")).bid_size == 5
    assert route.call_count == 3
    assert clock.sleeps == [0.5, 1.0]


@respx.mock
async def test_a_500_is_not_retried(backend: HttpMarketBackend) -> None:
    route = respx.get(f"{BASE}/v2/stocks/AAPL/quotes/latest").respond(500, text="boom")
    with pytest.raises(BackendError) as info:
        await backend.latest_quote("AAPL")
    assert info.value.status == 500
    assert route.call_count == 1


@respx.mock
async def test_a_timeout_is_retried_then_reported(backend: HttpMarketBackend) -> None:
    route = respx.get(f"{BASE}/v2/stocks/AAPL/bars").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(ToolTimeoutError):
        await backend.bars("AAPL")
    assert route.call_count == 3


@respx.mock
@pytest.mark.parametrize(
    "body",
    [
        b'{"bars": [{"t": "2026-02-27T05:00:00Z"',
        b'{"symbol": "AAPL", "bars": [{"t": "2026-02-27T05:00:00Z", "o": 1, "h": 0.5, "l": 1, "c": 1, "v": 1}]}',
        b'{"symbol": "AAPL", "bars": [{"t": "2026-02-27T05:00:00", "o": 1, "h": 1, "l": 1, "c": 1, "v": 1}]}',
        b'{"bars": []}',
    ],
)
async def test_a_malformed_body_is_reported(backend: HttpMarketBackend, body: bytes) -> None:
    respx.get(f"{BASE}/v2/stocks/AAPL/bars").respond(
        200, content=body, headers={"Content-Type": "application/json"}
    )
    with pytest.raises(MalformedResponseError):
        await backend.bars("AAPL")


async def test_without_a_trading_url_the_clock_is_asked_at_the_base(clock: FakeClock) -> None:
    backend = HttpMarketBackend(f"{BASE}/market", clock=clock)
    body = {
        "timestamp": "2026-03-07T15:00:00Z",
        "is_open": False,
        "next_open": "2026-03-09T13:30:00Z",
        "next_close": "2026-03-09T20:00:00Z",
    }
    with respx.mock:
        route = respx.get(f"{BASE}/market/v2/clock").respond(200, json=body)
        assert not await backend.is_market_open(datetime(2026, 3, 7, 15, 0, tzinfo=UTC))
        assert route.calls.last.request.url.params["at"] == "2026-03-07T15:00:00Z"
    await backend.aclose()
