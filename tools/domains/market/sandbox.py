"""``SandboxMarketBackend``: a deterministic, offline market of the ``plangate.tools.domains.world``
tickers.

- **Window**: a year of sessions ending at the clock's current date. The window starts 365 days
  before the date the sandbox was created, where each symbol's series opens near its base price;
  it grows as the clock advances, and what was drawn never changes.
- **Bars**: only completed ones. A daily bar appears once its session has closed (so on a
  Monday morning the latest daily bar is Friday's); a 15-minute or hourly bar once it has ended.
  Daily bars are stamped at midnight New York time, intraday bars at their start (hourly bars
  on the hour: the 09:00 bar holds 09:30-10:00), as Alpaca stamps them.
- **Quotes**: while a session runs, the mid follows the session's path at the clock's time; when
  the market is closed it is the last close. The spread (1-4 basis points, at least a cent each
  side) and the sizes are drawn from a hash of (seed, symbol, minute), so they are reproducible.
- **Hours**: 09:30-16:00 America/New_York on NYSE trading days
  (``plangate.tools.domains.market.sessions``).

Every operation runs through a ``FaultInjector``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from plangate.tools.clock import Clock, SystemClock
from plangate.tools.domains.market import sessions
from plangate.tools.domains.market.models import (
    DEFAULT_BARS_PER_PAGE,
    MAX_BARS_PER_PAGE,
    Bar,
    BarsPage,
    MarketClock,
    Quote,
    Timeframe,
    check_aware,
    known_ticker,
    parse_timeframe,
)
from plangate.tools.domains.market.prices import STEP_MINUTES, STEPS, IntArray, PriceSeries, Session
from plangate.tools.errors import ToolRefusedError
from plangate.tools.faults import NO_FAULTS, FaultInjector, FaultPlan

WINDOW = timedelta(days=365)


def _price(cents: int) -> Decimal:
    return Decimal(int(cents)).scaleb(-2)


class SandboxMarketBackend:
    """The market data Protocol over seeded price paths.

    Args:
        seed: makes every series reproducible; different seeds give different markets.
        clock: what "now" is (defaults to the system clock).
        faults: a fault plan applied to every operation.
    """

    service = "market"

    def __init__(
        self, seed: int = 0, clock: Clock | None = None, faults: FaultPlan | None = None
    ) -> None:
        self.seed = seed
        self.clock: Clock = clock or SystemClock()
        self.faults = FaultInjector(faults or NO_FAULTS, self.clock, self.service)
        self.first_day = sessions.local_date(self.clock.now()) - WINDOW
        self._series: dict[str, PriceSeries] = {}

    def series(self, symbol: str) -> PriceSeries:
        """The price series of a listed ``symbol`` (refuses unknown ones)."""
        ticker = known_ticker(symbol)
        found = self._series.get(ticker.symbol)
        if found is None:
            found = self._series[ticker.symbol] = PriceSeries(ticker, self.seed, self.first_day)
        return found

    async def latest_quote(self, symbol: str) -> Quote:
        """The quote of ``symbol`` at the clock's current time."""

        async def action() -> Quote:
            return self.quote_at(symbol, self.clock.now())

        return await self.faults.run("latest_quote", symbol, "read", action)

    def quote_at(self, symbol: str, at: datetime) -> Quote:
        """The quote of ``symbol`` at any instant ``at`` (no faults): what ``latest_quote`` serves."""
        series = self.series(symbol)
        day = sessions.local_date(at)
        session = series.on(day) if sessions.is_open(at) else None
        if session is not None:
            minutes = (at - sessions.session_open(day)).total_seconds() / 60
            mid = round(session.price_at(minutes) * 100)
            stamp = at
        else:
            last = sessions.last_closed_session(at)
            closed = series.on(last) if last >= self.first_day else None
            if closed is None:
                raise ToolRefusedError(
                    f"no prices for {symbol} before {self.first_day.isoformat()}",
                    reason="no_data",
                    hint="Ask about a time within the sandbox's one-year window.",
                )
            mid, stamp = closed.close_cents(), sessions.session_close(last)
        digest = hashlib.sha256(
            repr((self.seed, symbol, stamp.replace(second=0, microsecond=0))).encode()
        ).digest()
        half = max(1, round(mid * (1 + digest[0] % 4) / 20_000))
        return Quote(
            symbol=symbol,
            bid_price=_price(max(1, mid - half)),
            bid_size=100 * (1 + digest[1] % 9),
            ask_price=_price(mid + half),
            ask_size=100 * (1 + digest[2] % 9),
            timestamp=stamp,
        )

    async def bars(
        self,
        symbol: str,
        timeframe: Timeframe = Timeframe.DAY,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int = DEFAULT_BARS_PER_PAGE,
        page_token: str | None = None,
    ) -> BarsPage:
        """Completed bars of ``symbol`` starting in ``[start, end]``, oldest first, one page."""
        key = repr((symbol, str(timeframe), start, end, limit, page_token))

        async def action() -> BarsPage:
            return self._bars(symbol, timeframe, start, end, limit, page_token)

        return await self.faults.run("bars", key, "read", action)

    def _bars(
        self,
        symbol: str,
        timeframe: Timeframe | str,
        start: datetime | None,
        end: datetime | None,
        limit: int,
        page_token: str | None,
    ) -> BarsPage:
        series = self.series(symbol)
        frame = parse_timeframe(str(timeframe))
        if not 1 <= limit <= MAX_BARS_PER_PAGE:
            raise ToolRefusedError(
                f"limit {limit} is out of range",
                reason="invalid",
                hint=f"Ask for 1 to {MAX_BARS_PER_PAGE} bars per page.",
            )
        now = self.clock.now()
        start, end = check_aware(start, "start"), check_aware(end, "end")
        end = min(end, now) if end is not None else now
        if start is not None and start > end:
            raise ToolRefusedError(
                f"start {start.isoformat()} is after end {end.isoformat()}",
                reason="invalid",
                hint="Give a start before the end (and not in the future).",
            )
        cursor = _decode_token(page_token, symbol, frame) if page_token else None
        lower = max(x for x in (start, cursor) if x is not None) if start or cursor else None
        first = max(self.first_day, sessions.local_date(lower)) if lower else self.first_day
        out: list[Bar] = []
        for session in series.between(first, sessions.local_date(end)):
            for bar, ends in _session_bars(session, frame):
                if ends > now or bar.t > end or (lower is not None and bar.t < lower):
                    continue
                if len(out) == limit:
                    return BarsPage(
                        symbol=symbol,
                        timeframe=frame,
                        bars=out,
                        next_page_token=_encode_token(symbol, frame, bar.t),
                    )
                out.append(bar)
        return BarsPage(symbol=symbol, timeframe=frame, bars=out)

    async def market_clock(self, at: datetime | None = None) -> MarketClock:
        """Whether the market is open at ``at`` (default: now), and its next open and close."""

        async def action() -> MarketClock:
            return sessions.market_clock(check_aware(at, "at") or self.clock.now())

        return await self.faults.run("market_clock", repr(at), "read", action)

    async def is_market_open(self, at: datetime | None = None) -> bool:
        """True when a session runs at ``at`` (default: now)."""

        async def action() -> bool:
            return sessions.is_open(check_aware(at, "at") or self.clock.now())

        return await self.faults.run("is_market_open", repr(at), "read", action)

    def audit(self) -> list[str]:
        """Every broken invariant of the series drawn so far; empty when all is well."""
        problems: list[str] = []
        for symbol, series in sorted(self._series.items()):
            drawn = series.drawn()
            for before, after in itertools.pairwise(drawn):
                if sessions.next_trading_day(before.day) != after.day:
                    problems.append(f"{symbol}: {after.day} does not follow {before.day}")
            for session in drawn:
                problems.extend(_audit_session(symbol, session))
        return problems


def _audit_session(symbol: str, session: Session) -> list[str]:
    where = f"{symbol} {session.day}"
    o, h, low, c = (session.cents[:, i] for i in range(4))
    problems = []
    if not sessions.is_trading_day(session.day):
        problems.append(f"{where}: not a trading day")
    if (h < o).any() or (h < c).any() or (low > o).any() or (low > c).any() or (low < 1).any():
        problems.append(f"{where}: a bar's high/low does not bound its open/close")
    if (o[1:] != c[:-1]).any():
        problems.append(f"{where}: a 15-minute bar does not open at the previous close")
    if (session.volumes < 0).any():
        problems.append(f"{where}: negative volume")
    return problems


def _bar(t: datetime, cents: IntArray, volume: int) -> Bar:
    """A bar from ``(4,)`` cents (open, high, low, close) or ``(n, 4)`` rows to aggregate."""
    rows = cents.reshape(-1, 4)
    o, h, low, c = int(rows[0, 0]), int(rows[:, 1].max()), int(rows[:, 2].min()), int(rows[-1, 3])
    return Bar(t=t, o=_price(o), h=_price(h), l=_price(low), c=_price(c), v=volume)


def _session_bars(session: Session, frame: Timeframe) -> Iterator[tuple[Bar, datetime]]:
    """``(bar, instant it completes)`` for each bar of ``frame`` in ``session``."""
    opens = sessions.session_open(session.day)
    cents, volumes = session.cents, session.volumes
    if frame is Timeframe.DAY:
        yield (
            _bar(sessions.midnight(session.day), cents, int(volumes.sum())),
            sessions.session_close(session.day),
        )
    elif frame is Timeframe.MIN15:
        for j in range(STEPS):
            t = opens + timedelta(minutes=STEP_MINUTES * j)
            yield _bar(t, cents[j], int(volumes[j])), t + timedelta(minutes=STEP_MINUTES)
    else:
        first_minute = sessions.SESSION_OPEN.hour * 60 + sessions.SESSION_OPEN.minute
        hours = [(first_minute + STEP_MINUTES * j) // 60 for j in range(STEPS)]
        for hour in sorted(set(hours)):
            members = [j for j in range(STEPS) if hours[j] == hour]
            t = datetime.combine(session.day, time(hour), sessions.new_york()).astimezone(UTC)
            ends = opens + timedelta(minutes=STEP_MINUTES * (members[-1] + 1))
            yield _bar(t, cents[members], int(volumes[members].sum())), ends


def _encode_token(symbol: str, frame: Timeframe, at: datetime) -> str:
    raw = json.dumps([symbol, frame.value, at.isoformat()]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_token(token: str, symbol: str, frame: Timeframe) -> datetime:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        got_symbol, got_frame, at = json.loads(raw)
        cursor = datetime.fromisoformat(at)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        cursor = None
        got_symbol = got_frame = None
    if cursor is None or cursor.tzinfo is None or (got_symbol, got_frame) != (symbol, frame.value):
        raise ToolRefusedError(
            f"page_token {token[:40]!r} was not issued for {symbol} {frame.value} bars",
            reason="invalid",
            hint="Pass back the next_page_token of the previous page unchanged, with the same "
            "symbol and timeframe.",
        )
    return cursor
