"""Seeded price paths of the sandbox market: geometric Brownian motion, one series per symbol.

Each symbol's series starts near its ``plangate.tools.domains.world`` base price on the first
trading day of the sandbox's window and moves day by day with the ticker's annualised volatility:

- the daily log return is ``(mu - sigma^2 / 2) / 252 + sigma / sqrt(252) * z``;
- the open gaps a little from the previous close; the session then follows a Brownian bridge
  from the open to the close in 26 steps of 15 minutes, which gives the 15-minute bars (and, by
  aggregation, the hourly and daily ones) and the path the intraday quote follows.

Randomness is drawn in chunks of 64 trading days, each from a numpy ``Generator`` seeded with
``(seed, symbol, window start, chunk)``: a series is the same whatever else is asked first, and
grows as the clock advances without changing the days already drawn. Prices are kept in integer
cents so a bar's high and low always bound its open and close exactly.
"""

from __future__ import annotations

import bisect
import hashlib
import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from plangate.tools.domains.market import sessions
from plangate.tools.domains.world import Ticker

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

TRADING_DAYS_PER_YEAR = 252
STEPS = 26
"""15-minute steps in a 6.5-hour session."""
STEP_MINUTES = 15
CHUNK_DAYS = 64
_DRIFT = 0.06
_GAP_SCALE = 0.2  # overnight gaps are small next to a day's move
_INTRADAY_SCALE = 0.8
_COLUMNS = 2 + 3 * STEPS + 1  # z, gap, path steps, high and low excursions, volume
# Trading is busiest at the open and the close: a U-shaped share of the day's volume per bar.
_U = 1.0 + 1.5 * ((np.arange(STEPS) - (STEPS - 1) / 2) / ((STEPS - 1) / 2)) ** 2
_VOLUME_SHARE: FloatArray = _U / _U.sum()


def symbol_seed(symbol: str) -> int:
    """A stable 63-bit number for ``symbol`` (``hash()`` is salted per process)."""
    return int.from_bytes(hashlib.sha256(symbol.encode()).digest()[:8], "big") >> 1


@dataclass(frozen=True)
class Session:
    """One symbol's trading day.

    Attributes:
        day: the New York trading date.
        path: 27 prices: the open, then the price after each 15 minutes; the close last.
        cents: ``(26, 4)`` open, high, low, close of each 15-minute bar, in cents.
        volumes: ``(26,)`` shares traded in each 15-minute bar.
    """

    day: date
    path: FloatArray
    cents: IntArray
    volumes: IntArray

    def price_at(self, minutes: float) -> float:
        """The price ``minutes`` after the open (linear between 15-minute points)."""
        position = min(max(minutes / STEP_MINUTES, 0.0), float(STEPS))
        return float(np.interp(position, np.arange(STEPS + 1), self.path))

    def close_cents(self) -> int:
        """The session's closing price, in cents."""
        return int(self.cents[-1, 3])


class PriceSeries:
    """The sessions of one symbol from ``first_day`` on, drawn lazily in chunks.

    Args:
        ticker: the symbol and its base price and volatility.
        seed: the market's seed.
        first_day: the window's first calendar day.
    """

    def __init__(self, ticker: Ticker, seed: int, first_day: date) -> None:
        self.ticker = ticker
        self._entropy = [seed % 2**63, symbol_seed(ticker.symbol), first_day.toordinal()]
        self._sessions: list[Session] = []
        self._days: list[date] = []
        self._last_close = ticker.base_price
        self._next_day = (
            first_day
            if sessions.is_trading_day(first_day)
            else sessions.next_trading_day(first_day)
        )

    def between(self, first: date, last: date) -> list[Session]:
        """The sessions whose day lies in ``[first, last]``."""
        while not self._days or self._days[-1] < last:
            self._extend()
        lo = bisect.bisect_left(self._days, first)
        hi = bisect.bisect_right(self._days, last)
        return self._sessions[lo:hi]

    def on(self, day: date) -> Session | None:
        """The session of ``day``, if it is a trading day of the window."""
        found = self.between(day, day)
        return found[0] if found else None

    def drawn(self) -> list[Session]:
        """Every session drawn so far (for audits)."""
        return list(self._sessions)

    def _extend(self) -> None:
        chunk = len(self._sessions) // CHUNK_DAYS
        days: list[date] = []
        day = self._next_day
        for _ in range(CHUNK_DAYS):
            days.append(day)
            day = sessions.next_trading_day(day)
        self._next_day = day
        draws = np.random.default_rng([*self._entropy, chunk]).standard_normal(
            (CHUNK_DAYS, _COLUMNS)
        )
        sigma = self.ticker.volatility / math.sqrt(TRADING_DAYS_PER_YEAR)
        drift = (_DRIFT - self.ticker.volatility**2 / 2) / TRADING_DAYS_PER_YEAR
        closes = self._last_close * np.exp(np.cumsum(drift + sigma * draws[:, 0]))
        previous = np.concatenate(([self._last_close], closes[:-1]))
        opens = previous * np.exp(_GAP_SCALE * sigma * draws[:, 1])
        step = sigma * _INTRADAY_SCALE / math.sqrt(STEPS)
        walk = np.cumsum(step * draws[:, 2 : 2 + STEPS], axis=1)
        walk = np.concatenate((np.zeros((CHUNK_DAYS, 1)), walk), axis=1)
        share = np.arange(STEPS + 1) / STEPS
        bridge = walk - share * walk[:, -1:]
        log_open, log_close = np.log(opens)[:, None], np.log(closes)[:, None]
        paths = np.exp(log_open + share * (log_close - log_open) + bridge)
        paths[:, 0], paths[:, -1] = opens, closes
        up = np.exp(0.5 * step * np.abs(draws[:, 2 + STEPS : 2 + 2 * STEPS]))
        down = np.exp(-0.5 * step * np.abs(draws[:, 2 + 2 * STEPS : 2 + 3 * STEPS]))
        o = np.rint(paths[:, :-1] * 100)
        c = np.rint(paths[:, 1:] * 100)
        h = np.maximum(
            np.rint(np.maximum(paths[:, :-1], paths[:, 1:]) * up * 100), np.maximum(o, c)
        )
        low = np.minimum(
            np.rint(np.minimum(paths[:, :-1], paths[:, 1:]) * down * 100), np.minimum(o, c)
        )
        cents = np.clip(np.stack((o, h, low, c), axis=2), 1, None).astype(np.int64)
        base_volume = 3e9 / self.ticker.base_price
        daily_volume = base_volume * np.exp(0.35 * draws[:, -1])
        volumes = np.floor(daily_volume[:, None] * _VOLUME_SHARE).astype(np.int64)
        for i, d in enumerate(days):
            self._sessions.append(Session(d, paths[i], cents[i], volumes[i]))
            self._days.append(d)
        self._last_close = float(closes[-1])
