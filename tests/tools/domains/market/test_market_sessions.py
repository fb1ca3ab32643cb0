"""The sandbox market's calendar: holidays, sessions across DST, and the market clock."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from plangate.tools.domains.market import sessions

NYSE_2026 = {
    date(2026, 1, 1),
    date(2026, 1, 19),
    date(2026, 2, 16),
    date(2026, 4, 3),
    date(2026, 5, 25),
    date(2026, 6, 19),
    date(2026, 7, 3),
    date(2026, 9, 7),
    date(2026, 11, 26),
    date(2026, 12, 25),
}


def test_the_2026_holidays_are_the_nyse_ones() -> None:
    assert sessions.holidays(2026) == NYSE_2026


def test_new_years_day_on_a_saturday_is_not_observed_in_the_old_year() -> None:
    # 1 January 2022 was a Saturday; the NYSE stayed open on Friday 31 December 2021.
    assert date(2021, 12, 31) not in sessions.holidays(2021)
    assert date(2021, 12, 31) not in sessions.holidays(2022)
    assert sessions.is_trading_day(date(2021, 12, 31))


def test_weekends_and_holidays_have_no_session() -> None:
    assert not sessions.is_trading_day(date(2026, 3, 7))  # Saturday
    assert not sessions.is_trading_day(date(2026, 4, 3))  # Good Friday
    assert sessions.is_trading_day(date(2026, 3, 2))
    assert sessions.next_trading_day(date(2026, 4, 2)) == date(2026, 4, 6)
    assert sessions.previous_trading_day(date(2026, 3, 2)) == date(2026, 2, 27)
    days = sessions.trading_days(date(2026, 1, 1), date(2026, 12, 31))
    assert len(days) == 251


def test_sessions_are_0930_to_1600_new_york_across_dst() -> None:
    assert sessions.session_open(date(2026, 3, 6)) == datetime(2026, 3, 6, 14, 30, tzinfo=UTC)
    assert sessions.session_open(date(2026, 3, 9)) == datetime(2026, 3, 9, 13, 30, tzinfo=UTC)
    assert sessions.session_close(date(2026, 3, 9)) == datetime(2026, 3, 9, 20, 0, tzinfo=UTC)
    assert sessions.midnight(date(2026, 3, 2)) == datetime(2026, 3, 2, 5, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("at", "is_open", "next_open", "next_close"),
    [
        # Monday before the open: today's session is next.
        (
            datetime(2026, 3, 2, 12, 0, tzinfo=UTC),
            False,
            datetime(2026, 3, 2, 14, 30, tzinfo=UTC),
            datetime(2026, 3, 2, 21, 0, tzinfo=UTC),
        ),
        # At the open, open; next_open is tomorrow's.
        (
            datetime(2026, 3, 2, 14, 30, tzinfo=UTC),
            True,
            datetime(2026, 3, 3, 14, 30, tzinfo=UTC),
            datetime(2026, 3, 2, 21, 0, tzinfo=UTC),
        ),
        # At the close, closed.
        (
            datetime(2026, 3, 2, 21, 0, tzinfo=UTC),
            False,
            datetime(2026, 3, 3, 14, 30, tzinfo=UTC),
            datetime(2026, 3, 3, 21, 0, tzinfo=UTC),
        ),
        # Friday evening: Monday next.
        (
            datetime(2026, 2, 27, 22, 0, tzinfo=UTC),
            False,
            datetime(2026, 3, 2, 14, 30, tzinfo=UTC),
            datetime(2026, 3, 2, 21, 0, tzinfo=UTC),
        ),
        # Thursday before Good Friday: the Monday after.
        (
            datetime(2026, 4, 2, 21, 30, tzinfo=UTC),
            False,
            datetime(2026, 4, 6, 13, 30, tzinfo=UTC),
            datetime(2026, 4, 6, 20, 0, tzinfo=UTC),
        ),
    ],
)
def test_market_clock(
    at: datetime, is_open: bool, next_open: datetime, next_close: datetime
) -> None:
    clock = sessions.market_clock(at)
    assert (clock.timestamp, clock.is_open, clock.next_open, clock.next_close) == (
        at,
        is_open,
        next_open,
        next_close,
    )
    assert sessions.is_open(at) is is_open


def test_last_closed_session() -> None:
    assert sessions.last_closed_session(datetime(2026, 3, 2, 15, 0, tzinfo=UTC)) == date(
        2026, 2, 27
    )
    assert sessions.last_closed_session(datetime(2026, 3, 2, 21, 0, tzinfo=UTC)) == date(2026, 3, 2)
    assert sessions.last_closed_session(datetime(2026, 3, 7, 12, 0, tzinfo=UTC)) == date(2026, 3, 6)
