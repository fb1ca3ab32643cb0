"""Recurring series expand as fast far from their start as near it, and give the same occurrences.

``occurrences`` moves each rule's DTSTART forward by whole periods before expanding; these tests
compare it with a plain dateutil expansion from the original DTSTART, over rules and windows that
hypothesis draws, and pin the far-future windows that used to take seconds per series.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rruleset, rrulestr
from hypothesis import given
from hypothesis import strategies as st

from plangate.tools.domains.calendar.recurrence import (
    MAX_OCCURRENCES,
    canonical_recurrence,
    is_occurrence,
    next_occurrence,
    occurrences,
)
from plangate.tools.errors import ToolRefusedError

RULES = [
    "RRULE:FREQ=DAILY",
    "RRULE:FREQ=DAILY;INTERVAL=3",
    "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
    "RRULE:FREQ=WEEKLY;INTERVAL=3",
    "RRULE:FREQ=MONTHLY;BYDAY=1WE",
    "RRULE:FREQ=MONTHLY;BYMONTHDAY=31",
    "RRULE:FREQ=MONTHLY;INTERVAL=5;BYDAY=-1FR",
    "RRULE:FREQ=YEARLY",
    "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
    "RRULE:FREQ=HOURLY;INTERVAL=7",
    "RRULE:FREQ=DAILY;UNTIL=20300101T000000Z",
    "RRULE:FREQ=WEEKLY;COUNT=40;BYDAY=SA",
]
ZONES = ["UTC", "Europe/Lisbon", "America/New_York", "Australia/Lord_Howe"]


def _brute(
    lines: tuple[str, ...], start: datetime, since: datetime, until: datetime
) -> list[datetime]:
    rules = rruleset()
    for line in lines:
        rules.rrule(rrulestr(line, dtstart=start))
    found: list[datetime] = rules.between(since, until, inc=True)
    return found


@given(
    rule=st.sampled_from(RULES),
    zone=st.sampled_from(ZONES),
    first=st.datetimes(datetime(2020, 1, 1), datetime(2030, 1, 1)),
    offset_days=st.integers(0, 3 * 365),
    span_hours=st.integers(1, 24 * 40),
)
def test_skipping_ahead_gives_the_occurrences_a_full_expansion_gives(
    rule: str, zone: str, first: datetime, offset_days: int, span_hours: int
) -> None:
    start = first.replace(second=0, microsecond=0, tzinfo=ZoneInfo(zone))
    lines = canonical_recurrence([rule])
    duration = timedelta(minutes=30)
    time_min = (start + timedelta(days=offset_days)).astimezone(UTC)
    time_max = time_min + timedelta(hours=span_hours)
    got = occurrences(lines, start, duration, time_min, time_max)
    expected = [
        when
        for when in _brute(lines, start, time_min - duration, time_max)
        if when.astimezone(UTC) < time_max and when.astimezone(UTC) + duration > time_min
    ]
    assert got == expected
    if expected:
        assert is_occurrence(lines, start, expected[0])
        assert next_occurrence(lines, start, duration, time_min) == expected[0]


@pytest.mark.parametrize(
    "rule", ["RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "RRULE:FREQ=MONTHLY;BYDAY=1WE"]
)
def test_a_window_in_year_9999_expands_to_that_year(rule: str) -> None:
    start = datetime(2025, 3, 3, 9, 0, tzinfo=ZoneInfo("Europe/Lisbon"))
    time_min = datetime(9999, 12, 1, tzinfo=UTC)
    time_max = datetime(9999, 12, 31, tzinfo=UTC)
    got = occurrences(
        canonical_recurrence([rule]), start, timedelta(minutes=15), time_min, time_max
    )
    assert got
    assert all(time_min <= when < time_max for when in got)
    # 9999-12-01 is a Wednesday: the first Wednesday's review and the weekday standup both fall on it.
    assert got[0].date() == datetime(9999, 12, 1).date()


def test_a_window_holding_too_many_occurrences_is_refused() -> None:
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    lines = canonical_recurrence(["RRULE:FREQ=DAILY"])
    time_max = start + timedelta(days=MAX_OCCURRENCES + 5)
    with pytest.raises(ToolRefusedError, match="more than") as refused:
        occurrences(lines, start, timedelta(minutes=15), start, time_max)
    assert refused.value.reason == "invalid"


@given(
    rule=st.sampled_from([r for r in RULES if "MONTHLY" in r or "YEARLY" in r]),
    zone=st.sampled_from(ZONES),
    first=st.datetimes(datetime(2020, 1, 1), datetime(2030, 1, 1)),
    offset_years=st.integers(390, 2500),
    span_days=st.integers(1, 800),
)
def test_monthly_and_yearly_rules_skip_whole_400_year_cycles_exactly(
    rule: str, zone: str, first: datetime, offset_years: int, span_days: int
) -> None:
    start = first.replace(second=0, microsecond=0, tzinfo=ZoneInfo(zone))
    lines = canonical_recurrence([rule])
    duration = timedelta(hours=1)
    time_min = datetime(start.year + offset_years, 1, 1, tzinfo=UTC) + timedelta(days=span_days)
    time_max = time_min + timedelta(days=span_days)
    got = occurrences(lines, start, duration, time_min, time_max)
    expected = [
        when
        for when in _brute(lines, start, time_min - duration, time_max)
        if when.astimezone(UTC) < time_max and when.astimezone(UTC) + duration > time_min
    ]
    assert got == expected
