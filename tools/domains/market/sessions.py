"""The sandbox market's trading calendar: NYSE-like sessions, 09:30-16:00 New York time.

Sessions run on weekdays except the NYSE's full-day holidays, computed by rule (New Year's Day,
Martin Luther King Jr. Day, Washington's Birthday, Good Friday, Memorial Day, Juneteenth,
Independence Day, Labor Day, Thanksgiving, Christmas), each observed on the nearest weekday as
the NYSE does. Early closes (the half days around July 4th and Christmas) are not modelled: every
session closes at 16:00.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from plangate.tools.domains.market.models import MarketClock

SESSION_OPEN = time(9, 30)
SESSION_CLOSE = time(16, 0)
SESSION_MINUTES = 390
"""Length of a regular session (09:30-16:00) in minutes."""


@functools.cache
def new_york() -> ZoneInfo:
    """The exchange's time zone (loaded on first use, never at import)."""
    return ZoneInfo("America/New_York")


def local_date(at: datetime) -> date:
    """The New York calendar date of instant ``at``."""
    return at.astimezone(new_york()).date()


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The ``n``-th ``weekday`` (Mon=0) of a month; ``n=-1`` for the last one."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    nxt = date(year + month // 12, month % 12 + 1, 1)
    last = nxt - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _easter(year: int) -> date:
    """Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * l_) // 433
    month = (h + l_ - 7 * m + 90) // 25
    return date(year, month, (h + l_ - 7 * m + 33 * month + 19) % 32)


def _observed(day: date) -> date:
    """A fixed-date holiday falling on a weekend moves to Friday (Sat) or Monday (Sun)."""
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


@functools.cache
def holidays(year: int) -> frozenset[date]:
    """The NYSE full-day holidays of ``year``."""
    days = {
        _nth_weekday(year, 1, 0, 3),  # Martin Luther King Jr. Day
        _nth_weekday(year, 2, 0, 3),  # Washington's Birthday
        _easter(year) - timedelta(days=2),  # Good Friday
        _nth_weekday(year, 5, 0, -1),  # Memorial Day
        _observed(date(year, 7, 4)),
        _nth_weekday(year, 9, 0, 1),  # Labor Day
        _nth_weekday(year, 11, 3, 4),  # Thanksgiving
        _observed(date(year, 12, 25)),
    }
    # The NYSE does not move New Year's Day back into the old year when it is a Saturday.
    if date(year, 1, 1).weekday() != 5:
        days.add(_observed(date(year, 1, 1)))
    if year >= 2022:
        days.add(_observed(date(year, 6, 19)))  # Juneteenth
    return frozenset(days)


def is_trading_day(day: date) -> bool:
    """True when ``day`` has a session."""
    return day.weekday() < 5 and day not in holidays(day.year)


def next_trading_day(day: date) -> date:
    """The first trading day strictly after ``day``."""
    day += timedelta(days=1)
    while not is_trading_day(day):
        day += timedelta(days=1)
    return day


def previous_trading_day(day: date) -> date:
    """The last trading day strictly before ``day``."""
    day -= timedelta(days=1)
    while not is_trading_day(day):
        day -= timedelta(days=1)
    return day


def trading_days(first: date, last: date) -> list[date]:
    """Every trading day in ``[first, last]``."""
    out: list[date] = []
    day = first
    while day <= last:
        if is_trading_day(day):
            out.append(day)
        day += timedelta(days=1)
    return out


def session_open(day: date) -> datetime:
    """The UTC instant the session of ``day`` opens."""
    return datetime.combine(day, SESSION_OPEN, new_york()).astimezone(UTC)


def session_close(day: date) -> datetime:
    """The UTC instant the session of ``day`` closes."""
    return datetime.combine(day, SESSION_CLOSE, new_york()).astimezone(UTC)


def midnight(day: date) -> datetime:
    """Midnight New York time of ``day``, in UTC: the timestamp of a daily bar."""
    return datetime.combine(day, time(0), new_york()).astimezone(UTC)


def is_open(at: datetime) -> bool:
    """True when a session is running at instant ``at``."""
    day = local_date(at)
    return is_trading_day(day) and session_open(day) <= at < session_close(day)


def last_closed_session(at: datetime) -> date:
    """The latest trading day whose session closed at or before ``at``."""
    day = local_date(at)
    if is_trading_day(day) and session_close(day) <= at:
        return day
    return previous_trading_day(day)


def market_clock(at: datetime) -> MarketClock:
    """Whether the market is open at ``at``, and its next open and close (Alpaca's semantics).

    While a session runs, ``next_close`` is today's close and ``next_open`` tomorrow's open.
    """
    day = local_date(at)
    today = is_trading_day(day)
    if today and at < session_open(day):
        upcoming = day
    elif today and at < session_close(day):
        return MarketClock(
            timestamp=at,
            is_open=True,
            next_open=session_open(next_trading_day(day)),
            next_close=session_close(day),
        )
    else:
        upcoming = next_trading_day(day)
    return MarketClock(
        timestamp=at,
        is_open=False,
        next_open=session_open(upcoming),
        next_close=session_close(upcoming),
    )
