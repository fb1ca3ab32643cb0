"""Alpaca Market Data v2 wire shapes, shared by ``HttpMarketBackend`` and the sandbox routes.

Prices travel as JSON numbers, as Alpaca sends them; ``canonical_price`` makes them exact
``Decimal`` again on arrival. Fields Alpaca sends that plangate does not use (trade counts,
VWAP, exchange codes, conditions) are ignored.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, PlainSerializer

from plangate.tools.domains.market.models import Bar, BarsPage, Quote, Timeframe

WirePrice = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]


class WireBar(BaseModel):
    """A bar: ``{"t", "o", "h", "l", "c", "v"}``."""

    model_config = ConfigDict(extra="ignore")

    t: AwareDatetime
    o: WirePrice
    h: WirePrice
    l: WirePrice  # noqa: E741  (Alpaca's field name)
    c: WirePrice
    v: int

    @classmethod
    def of(cls, bar: Bar) -> WireBar:
        """The wire form of ``bar``."""
        return cls(t=bar.t, o=bar.o, h=bar.h, l=bar.l, c=bar.c, v=bar.v)

    def to_bar(self) -> Bar:
        """The bar, validated."""
        return Bar.model_validate(self.model_dump())


class BarsResponse(BaseModel):
    """``GET /v2/stocks/{symbol}/bars``: ``{"bars", "symbol", "next_page_token"}``."""

    model_config = ConfigDict(extra="ignore")

    bars: list[WireBar] | None = None
    symbol: str
    next_page_token: str | None = None

    @classmethod
    def of(cls, page: BarsPage) -> BarsResponse:
        """The wire form of ``page``."""
        return cls(
            bars=[WireBar.of(bar) for bar in page.bars],
            symbol=page.symbol,
            next_page_token=page.next_page_token,
        )

    def to_page(self, timeframe: Timeframe) -> BarsPage:
        """The page, validated (Alpaca sends ``null`` rather than an empty list)."""
        return BarsPage(
            symbol=self.symbol,
            timeframe=timeframe,
            bars=[bar.to_bar() for bar in self.bars or []],
            next_page_token=self.next_page_token or None,
        )


class WireQuote(BaseModel):
    """A quote: ``{"ap", "as", "bp", "bs", "t"}``."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, serialize_by_alias=True)

    ap: WirePrice
    as_: int = Field(alias="as")
    bp: WirePrice
    bs: int
    t: AwareDatetime


class LatestQuoteResponse(BaseModel):
    """``GET /v2/stocks/{symbol}/quotes/latest``: ``{"symbol", "quote"}``."""

    model_config = ConfigDict(extra="ignore")

    symbol: str
    quote: WireQuote

    @classmethod
    def of(cls, quote: Quote) -> LatestQuoteResponse:
        """The wire form of ``quote``."""
        return cls(
            symbol=quote.symbol,
            quote=WireQuote(
                ap=quote.ask_price,
                as_=quote.ask_size,
                bp=quote.bid_price,
                bs=quote.bid_size,
                t=quote.timestamp,
            ),
        )

    def to_quote(self) -> Quote:
        """The quote, validated."""
        q = self.quote
        return Quote(
            symbol=self.symbol,
            bid_price=q.bp,
            bid_size=q.bs,
            ask_price=q.ap,
            ask_size=q.as_,
            timestamp=q.t,
        )
