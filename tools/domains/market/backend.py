"""``MarketDataBackend``: what the market tools need of a market data service.

Two implementations: ``SandboxMarketBackend`` (seeded, offline) and ``HttpMarketBackend``
(Alpaca Market Data v2 over REST). Every method only reads.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from plangate.tools.domains.market.models import (
    DEFAULT_BARS_PER_PAGE,
    BarsPage,
    MarketClock,
    Quote,
    Timeframe,
)


@runtime_checkable
class MarketDataBackend(Protocol):
    """Quotes, bars and market hours.

    A symbol the service does not list is refused with ``ToolRefusedError`` (the sandbox's
    reason is ``unknown_ticker``); a malformed argument with reason ``invalid``.
    """

    async def latest_quote(self, symbol: str) -> Quote:
        """The latest best bid and ask of ``symbol``."""
        ...

    async def bars(
        self,
        symbol: str,
        timeframe: Timeframe = Timeframe.DAY,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int = DEFAULT_BARS_PER_PAGE,
        page_token: str | None = None,
    ) -> BarsPage:
        """One page of completed bars starting in ``[start, end]``, oldest first.

        Args:
            symbol: the ticker.
            timeframe: bar length.
            start: earliest bar start; ``None`` for the earliest data the service holds.
            end: latest bar start; ``None`` for now.
            limit: bars per page, 1-10000.
            page_token: the previous page's ``next_page_token``, to continue.
        """
        ...

    async def market_clock(self, at: datetime | None = None) -> MarketClock:
        """Whether the market is open at ``at`` (default: now), and its next open and close."""
        ...

    async def is_market_open(self, at: datetime | None = None) -> bool:
        """True when a session runs at ``at`` (default: now)."""
        ...
