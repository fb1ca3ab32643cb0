"""``HttpMarketBackend``: the market data Protocol over REST, shaped like Alpaca Market Data v2.

| method            | request                                                   | reply                                       |
|-------------------|-----------------------------------------------------------|---------------------------------------------|
| ``bars``          | ``GET /v2/stocks/{symbol}/bars?timeframe&start&end&limit&page_token`` | ``{"bars": [{"t","o","h","l","c","v"}], "symbol", "next_page_token"}`` |
| ``latest_quote``  | ``GET /v2/stocks/{symbol}/quotes/latest``                 | ``{"symbol", "quote": {"ap","as","bp","bs","t"}}`` |
| ``market_clock``  | ``GET /v2/clock[?at=]``                                   | ``{"timestamp","is_open","next_open","next_close"}`` |

Market hours are not part of Alpaca's *data* API: Alpaca serves ``GET /v2/clock`` from its
*trading* API (``https://paper-api.alpaca.markets``). Pass that root as ``trading_url`` to ask
it there; without it the clock is asked at ``{base_url}/v2/clock``, which is where the sandbox
REST server (``plangate.tools.domains.market.routes``) serves it. ``at`` is a sandbox extension that
Alpaca ignores (it always answers for now).

Every call is a GET, so transient failures (timeouts, 429, 502/503/504) are retried by
``plangate.tools.http.HttpBackend``, honouring ``Retry-After``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import httpx
from pydantic import ValidationError

from plangate.tools.base import RetryPolicy
from plangate.tools.clock import Clock
from plangate.tools.domains.market._wire import BarsResponse, LatestQuoteResponse
from plangate.tools.domains.market.models import (
    DEFAULT_BARS_PER_PAGE,
    BarsPage,
    MarketClock,
    Quote,
    Timeframe,
    check_aware,
    format_instant,
    parse_symbol,
    parse_timeframe,
)
from plangate.tools.errors import MalformedResponseError
from plangate.tools.http import HttpBackend

T = TypeVar("T")
ALPACA_DATA_URL = "https://data.alpaca.markets"


def alpaca_headers(key_id: str | None, secret_key: str | None) -> dict[str, str]:
    """Alpaca's credential headers (data and trading APIs alike); none without both parts."""
    if key_id and secret_key:
        return {"APCA-API-KEY-ID": key_id, "APCA-API-SECRET-KEY": secret_key}
    return {}


class HttpMarketBackend(HttpBackend):
    """Market data from an Alpaca-shaped REST API.

    Args:
        base_url: the data API's root (Alpaca's, or ``{sandbox}/market``).
        trading_url: the trading API's root, where Alpaca serves ``/v2/clock``.
        key_id: Alpaca API key id, sent as ``APCA-API-KEY-ID``.
        secret_key: Alpaca secret key, sent as ``APCA-API-SECRET-KEY``.
        token: a bearer token, for services that take one instead.
        timeout: seconds for connect, read and write.
        retry: attempts and backoff for transient failures.
        clock: what backoff sleeps on.
        transport: an httpx transport (tests).
        seed: seeds the backoff jitter.
    """

    def __init__(
        self,
        base_url: str = ALPACA_DATA_URL,
        *,
        trading_url: str | None = None,
        key_id: str | None = None,
        secret_key: str | None = None,
        token: str | None = None,
        timeout: float = 10.0,
        retry: RetryPolicy | None = None,
        clock: Clock | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        seed: int = 0,
    ) -> None:
        super().__init__(
            base_url,
            service="market",
            token=token,
            timeout=timeout,
            retry=retry,
            clock=clock,
            transport=transport,
            headers=alpaca_headers(key_id, secret_key),
            seed=seed,
        )
        # An absolute URL overrides the client's base URL in httpx.
        self._clock_path = f"{trading_url.rstrip('/')}/v2/clock" if trading_url else "/v2/clock"

    def _convert(self, build: Callable[[], T], what: str) -> T:
        """Run a wire-to-model conversion; a body that parsed but is invalid is malformed."""
        try:
            return build()
        except ValidationError as exc:
            first = exc.errors()[0]
            raise MalformedResponseError(
                f"market: malformed {what}: {first['msg']}", service=self.service
            ) from exc

    async def latest_quote(self, symbol: str) -> Quote:
        """The latest best bid and ask of ``symbol``."""
        path = f"/v2/stocks/{parse_symbol(symbol)}/quotes/latest"
        return self._convert((await self.get_json(path, LatestQuoteResponse)).to_quote, "quote")

    async def bars(
        self,
        symbol: str,
        timeframe: Timeframe = Timeframe.DAY,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int = DEFAULT_BARS_PER_PAGE,
        page_token: str | None = None,
    ) -> BarsPage:
        """One page of bars; pass ``next_page_token`` back as ``page_token`` to continue."""
        frame = parse_timeframe(str(timeframe))
        params: dict[str, Any] = {"timeframe": frame.value, "limit": limit}
        bounds = (("start", check_aware(start, "start")), ("end", check_aware(end, "end")))
        for name, value in bounds:
            if value is not None:
                params[name] = format_instant(value)
        if page_token:
            params["page_token"] = page_token
        path = f"/v2/stocks/{parse_symbol(symbol)}/bars"
        body = await self.get_json(path, BarsResponse, params=params)
        return self._convert(lambda: body.to_page(frame), "bars")

    async def market_clock(self, at: datetime | None = None) -> MarketClock:
        """Whether the market is open, and its next open and close."""
        checked = check_aware(at, "at")
        params = {"at": format_instant(checked)} if checked is not None else None
        return await self.get_json(self._clock_path, MarketClock, params=params)

    async def is_market_open(self, at: datetime | None = None) -> bool:
        """True when a session runs at ``at`` (default: now)."""
        return (await self.market_clock(at)).is_open
