"""The market domain's models: symbols, timeframes, bars, quotes and the market clock.

What crosses a boundary is validated here, once, in words a model can act on:

- A symbol is 1-5 uppercase letters with an optional one-letter class suffix (``BRK.B``). Its
  *form* is checked by the models (a ``ToolArgsError``); whether the market *lists* it is the
  backend's business: the sandbox refuses a symbol missing from
  ``plangate.tools.domains.world.TICKERS`` with reason ``unknown_ticker`` and a hint naming the
  symbols it may have meant.
- Prices are exact ``Decimal`` in USD, canonical: two decimals when the price is a whole number
  of cents, up to four below that, so a price reads the same after any round trip.
- Instants are timezone-aware and normalised to UTC.

The indicator requests and results live in ``plangate.tools.domains.market.indicator_models``.
"""

from __future__ import annotations

import difflib
import re
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    model_validator,
)

from plangate.tools.domains.world import TICKERS, TICKERS_BY_SYMBOL, Ticker
from plangate.tools.errors import ToolRefusedError

SYMBOL_PATTERN = re.compile(r"^[A-Z]{1,5}(\.[A-Z])?$")
MAX_BARS_PER_PAGE = 10_000
DEFAULT_BARS_PER_PAGE = 1_000

_CENT = Decimal("0.01")
_TICK = Decimal("0.0001")


def check_symbol(value: str) -> str:
    """Return ``value`` if it has the form of a ticker symbol.

    Raises:
        ValueError: naming the symbol and the form expected (and the fix, for lowercase).
    """
    if not SYMBOL_PATTERN.match(value):
        upper = value.strip().upper()
        fix = f"; did you mean {upper!r}?" if SYMBOL_PATTERN.match(upper) else ""
        raise ValueError(
            f"{value!r} is not a ticker symbol: use 1-5 uppercase letters with an optional "
            f"class suffix, e.g. 'AAPL' or 'BRK.B'{fix}"
        )
    return value


Symbol = Annotated[
    str,
    AfterValidator(check_symbol),
    Field(description="Ticker symbol, e.g. 'AAPL'.", examples=["AAPL"]),
]


def parse_symbol(value: str) -> str:
    """``check_symbol`` for raw strings at a backend's edge: a malformed symbol is a refusal.

    Raises:
        ToolRefusedError: reason ``invalid``.
    """
    try:
        return check_symbol(value)
    except ValueError as exc:
        raise ToolRefusedError(str(exc), reason="invalid") from exc


def suggest_symbols(symbol: str, limit: int = 3) -> list[str]:
    """Listed symbols that ``symbol`` may have meant: near spellings and company names."""
    wanted = symbol.strip().upper()
    by_name = [t.symbol for t in TICKERS if wanted and t.name.upper().startswith(wanted)]
    near = difflib.get_close_matches(wanted, list(TICKERS_BY_SYMBOL), n=limit, cutoff=0.6)
    return list(dict.fromkeys(by_name + near))[:limit]


def known_ticker(symbol: str) -> Ticker:
    """The listed ticker ``symbol`` names.

    Raises:
        ToolRefusedError: reason ``invalid`` for a malformed symbol, ``unknown_ticker`` for one
            the sandbox market does not list (the hint names close matches).
    """
    ticker = TICKERS_BY_SYMBOL.get(parse_symbol(symbol))
    if ticker is not None:
        return ticker
    close = suggest_symbols(symbol)
    listed = ", ".join(sorted(TICKERS_BY_SYMBOL))
    hint = f"Did you mean {' or '.join(close)}? " if close else ""
    raise ToolRefusedError(
        f"unknown ticker {symbol!r}: the market does not list it",
        reason="unknown_ticker",
        hint=f"{hint}Listed symbols: {listed}.",
    )


class Timeframe(StrEnum):
    """Bar length, spelled as Alpaca spells it."""

    DAY = "1Day"
    HOUR = "1Hour"
    MIN15 = "15Min"


_TIMEFRAME_ALIASES = {"1D": Timeframe.DAY, "1H": Timeframe.HOUR, "15T": Timeframe.MIN15}


def parse_timeframe(value: str) -> Timeframe:
    """A timeframe from its name (``1Day``, ``1Hour``, ``15Min``; also ``1D``, ``1H``, ``15T``).

    Raises:
        ToolRefusedError: reason ``invalid``, listing the timeframes supported.
    """
    try:
        return Timeframe(value)
    except ValueError:
        alias = _TIMEFRAME_ALIASES.get(value.strip().upper())
        if alias is not None:
            return alias
    supported = ", ".join(tf.value for tf in Timeframe)
    raise ToolRefusedError(
        f"unsupported timeframe {value!r}", reason="invalid", hint=f"Use one of: {supported}."
    )


def canonical_price(value: Decimal) -> Decimal:
    """``value`` with two decimals when it is a whole number of cents, else four.

    Used for amounts too (cost basis, market value, P/L), so the same value always reads the same.
    """
    ticks = value.quantize(_TICK)
    cents = ticks.quantize(_CENT)
    return cents if cents == ticks else ticks


def _positive(value: Decimal) -> Decimal:
    if value <= 0:
        raise ValueError(f"a price must be greater than 0, got {value}")
    return value


Price = Annotated[
    Decimal,
    Field(allow_inf_nan=False, max_digits=18),
    AfterValidator(_positive),
    AfterValidator(canonical_price),
    PlainSerializer(lambda d: format(d, "f"), return_type=str, when_used="json"),
]
"""An exact price in USD, > 0, canonical (see ``canonical_price``); a string in JSON."""


def to_utc(value: datetime) -> datetime:
    """An aware instant expressed in UTC."""
    return value.astimezone(UTC)


UtcDatetime = Annotated[AwareDatetime, AfterValidator(to_utc)]
"""A timezone-aware instant, normalised to UTC (naive datetimes are rejected)."""


def check_aware(value: datetime | None, name: str) -> datetime | None:
    """``value`` unchanged if it is ``None`` or timezone-aware.

    Raises:
        ToolRefusedError: reason ``invalid`` for a naive datetime, saying how to fix it.
    """
    if value is not None and value.tzinfo is None:
        raise ToolRefusedError(
            f"{name} {value.isoformat()} has no time zone",
            reason="invalid",
            hint=f"Give {name} with a UTC offset, e.g. {value.isoformat()}Z.",
        )
    return value


def parse_instant(value: str | None, name: str) -> datetime | None:
    """An aware instant from RFC 3339 text (``2026-03-02T15:00:00Z``), for REST query strings.

    Raises:
        ToolRefusedError: reason ``invalid`` for text that is not an aware instant.
    """
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ToolRefusedError(
            f"{name} {value!r} is not an RFC 3339 instant",
            reason="invalid",
            hint=f"Give {name} like 2026-03-02T15:00:00Z.",
        ) from None
    return check_aware(parsed, name)


def format_instant(value: datetime) -> str:
    """RFC 3339 text of an aware instant, in UTC with a ``Z``."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


class Bar(BaseModel):
    """One OHLCV bar (Alpaca's field names).

    Attributes:
        t: the bar's start; a daily bar starts at midnight New York time.
        o: open price.
        h: high price.
        l: low price.
        c: close price.
        v: traded volume, in shares.
    """

    model_config = ConfigDict(frozen=True)

    t: UtcDatetime
    o: Price
    h: Price
    l: Price  # noqa: E741  (Alpaca's field name)
    c: Price
    v: int = Field(ge=0)

    @model_validator(mode="after")
    def _consistent(self) -> Bar:
        if self.h < max(self.o, self.c, self.l) or self.l > min(self.o, self.c):
            raise ValueError(
                f"inconsistent bar at {self.t.isoformat()}: high {self.h} and low {self.l} "
                f"must bound open {self.o} and close {self.c}"
            )
        return self


class BarsPage(BaseModel):
    """One page of bars, oldest first.

    Attributes:
        symbol: the ticker.
        timeframe: the bars' length.
        bars: the bars, oldest first.
        next_page_token: pass it back as ``page_token`` for the next page; ``None`` at the end.
    """

    model_config = ConfigDict(frozen=True)

    symbol: Symbol
    timeframe: Timeframe
    bars: list[Bar]
    next_page_token: str | None = None


class BarSeries(BaseModel):
    """Bars of one symbol, oldest first (what the ``get_bars`` tool returns).

    Attributes:
        symbol: the ticker.
        timeframe: the bars' length.
        bars: the bars, oldest first.
    """

    model_config = ConfigDict(frozen=True)

    symbol: Symbol
    timeframe: Timeframe
    bars: list[Bar]


class Quote(BaseModel):
    """The best bid and ask.

    Attributes:
        symbol: the ticker.
        bid_price: best bid; a market sell fills here.
        bid_size: shares bid.
        ask_price: best ask; a market buy fills here.
        ask_size: shares offered.
        timestamp: when the quote was current.
    """

    model_config = ConfigDict(frozen=True)

    symbol: Symbol
    bid_price: Price
    bid_size: int = Field(ge=0)
    ask_price: Price
    ask_size: int = Field(ge=0)
    timestamp: UtcDatetime

    @model_validator(mode="after")
    def _not_crossed(self) -> Quote:
        if self.ask_price < self.bid_price:
            raise ValueError(
                f"crossed quote for {self.symbol}: ask {self.ask_price} < bid {self.bid_price}"
            )
        return self

    @property
    def mid(self) -> Decimal:
        """The midpoint of bid and ask."""
        return (self.bid_price + self.ask_price) / 2


class MarketClock(BaseModel):
    """Whether the market is open, and when it next opens and closes (Alpaca's ``/v2/clock``).

    Attributes:
        timestamp: the instant this answer is about.
        is_open: True while a session runs.
        next_open: the next session's open (tomorrow's while a session runs).
        next_close: the running session's close, or the next session's.
    """

    model_config = ConfigDict(frozen=True)

    timestamp: UtcDatetime
    is_open: bool
    next_open: UtcDatetime
    next_close: UtcDatetime


class QuoteArgs(BaseModel):
    """Arguments of ``get_quote``."""

    model_config = ConfigDict(extra="forbid")

    symbol: Symbol


class BarsArgs(BaseModel):
    """Arguments of ``get_bars``.

    Attributes:
        symbol: the ticker.
        timeframe: bar length.
        limit: how many of the most recent bars to return.
        start: earliest bar start (optional; by default just far enough back for ``limit``).
        end: latest bar start (optional; by default now).
    """

    model_config = ConfigDict(extra="forbid")

    symbol: Symbol
    timeframe: Timeframe = Field(Timeframe.DAY, description="'1Day', '1Hour' or '15Min'.")
    limit: int = Field(30, ge=1, le=1000, description="How many of the latest bars to return.")
    start: UtcDatetime | None = Field(None, description="Earliest bar, e.g. 2026-02-02T00:00:00Z.")
    end: UtcDatetime | None = Field(None, description="Latest bar; defaults to now.")
