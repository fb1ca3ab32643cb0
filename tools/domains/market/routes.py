"""The market REST API over any ``MarketDataBackend``, shaped like Alpaca Market Data v2.

Mounted at ``PREFIX`` by ``plangate sandbox serve``;
``plangate.tools.domains.market.http.HttpMarketBackend`` is its client. ``GET /v2/clock`` (Alpaca
serves it from its trading API) is served here too, with an ``at`` query parameter as a sandbox
extension. Refusals become the error bodies of ``plangate.tools.domains.server``: 404 ``not_found``,
422 ``invalid``, 409 for the rest (``unknown_ticker``).
"""

from __future__ import annotations

from fastapi import APIRouter

from plangate.tools.domains.market._wire import BarsResponse, LatestQuoteResponse
from plangate.tools.domains.market.backend import MarketDataBackend
from plangate.tools.domains.market.models import (
    DEFAULT_BARS_PER_PAGE,
    MarketClock,
    parse_instant,
    parse_symbol,
    parse_timeframe,
)

PREFIX = "/market"


def router(backend: MarketDataBackend) -> APIRouter:
    """The routes of the market API, serving ``backend``."""
    api = APIRouter(tags=["market"])

    @api.get("/v2/stocks/{symbol}/bars")
    async def get_bars(
        symbol: str,
        timeframe: str = "1Day",
        start: str | None = None,
        end: str | None = None,
        limit: int = DEFAULT_BARS_PER_PAGE,
        page_token: str | None = None,
    ) -> BarsResponse:
        page = await backend.bars(
            parse_symbol(symbol),
            parse_timeframe(timeframe),
            parse_instant(start, "start"),
            parse_instant(end, "end"),
            limit,
            page_token,
        )
        return BarsResponse.of(page)

    @api.get("/v2/stocks/{symbol}/quotes/latest")
    async def get_latest_quote(symbol: str) -> LatestQuoteResponse:
        return LatestQuoteResponse.of(await backend.latest_quote(parse_symbol(symbol)))

    @api.get("/v2/clock")
    async def get_clock(at: str | None = None) -> MarketClock:
        return await backend.market_clock(parse_instant(at, "at"))

    return api
