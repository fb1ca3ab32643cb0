"""Moments shown to the minute in the reader's zone: the zone's sources, the rewriting of text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plangate.demos.cli.moments import ZONE_VAR, Moments, user_zone, zone_name
from plangate.tools.clock import FakeClock

LISBON = ZoneInfo("Europe/Lisbon")
IN_LISBON = Moments(LISBON, FakeClock(datetime(2026, 3, 9, 9, 0, tzinfo=UTC)))


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("2026-03-10T20:00:00Z", "Tue 10 Mar 20:00"),
        (
            "arrives 2026-03-13T10:15:00+01:00, 61 seats",
            "arrives Fri 13 Mar 09:15 (10:15 local), 61 seats",
        ),
        ("as_of=2026-03-02T15:00:00.199464Z", "as_of=Mon 2 Mar 15:00"),
        ("2026-07-01T12:30:59+00:00", "Wed 1 Jul 13:30"),  # summer time in Lisbon
        ("2026-03-13T09:00:00+09:00", "Fri 13 Mar 00:00 (09:00 local)"),
        ("2027-01-04 08:00+0100", "Mon 4 Jan 2027 07:00 (08:00 local)"),  # another year says so
        ("2026-03-10T20:00:00", "Tue 10 Mar 20:00"),  # no offset: a place's own clock, kept
        ("2026-03-10", "2026-03-10"),
        ("TP141-20260313.Y1 and rsv-2026-03-10T20", "TP141-20260313.Y1 and rsv-2026-03-10T20"),
        ("2026-13-45T99:00:00Z", "2026-13-45T99:00:00Z"),
        ("open 19:00-22:00", "open 19:00-22:00"),
    ],
)
def test_moments_in_text_are_shown_to_the_minute_in_the_zone(text: str, shown: str) -> None:
    assert IN_LISBON.in_text(text) == shown


def test_a_heading_names_the_zone() -> None:
    assert zone_name(LISBON) == "Europe/Lisbon"
    assert zone_name(UTC) == "UTC"
    assert zone_name(timezone(timedelta(hours=5, minutes=30))) == "UTC+05:30"
    assert zone_name(timezone(-timedelta(hours=3))) == "UTC-03:00"
    assert IN_LISBON.has_moments("at 2026-03-10T20:00:00Z")
    assert not IN_LISBON.has_moments("at 2026-03-10T20:00:00, on 2026-03-10")


def test_the_zone_comes_from_plangate_tz_then_tz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ZONE_VAR, "Asia/Tokyo")
    monkeypatch.setenv("TZ", "America/New_York")
    assert user_zone() == ZoneInfo("Asia/Tokyo")
    monkeypatch.setenv(ZONE_VAR, "Mars/Olympus")  # unknown: passed over
    assert user_zone() == ZoneInfo("America/New_York")
    monkeypatch.delenv(ZONE_VAR)
    monkeypatch.setenv("TZ", ":UTC")
    assert user_zone() == UTC


@given(
    st.datetimes(
        min_value=datetime(1971, 1, 2), max_value=datetime(2199, 12, 30),
        timezones=st.sampled_from([UTC, LISBON, ZoneInfo("Asia/Kolkata"),
                                   timezone(-timedelta(hours=9, minutes=30))]),
    ),
    st.sampled_from([LISBON, UTC, ZoneInfo("America/New_York"), ZoneInfo("Asia/Kathmandu")]),
)  # fmt: skip
def test_any_moment_reads_as_its_minute_in_the_zone(moment: datetime, zone: ZoneInfo) -> None:
    moments = Moments(zone, FakeClock(datetime(2026, 3, 9, tzinfo=UTC)))
    # The moment as its text says it: a wall time that does not exist (skipped by a clock
    # change) is written with one offset and read back as another minute.
    moment = datetime.fromisoformat(moment.isoformat())
    shown = moments.in_text(f"at {moment.isoformat()}.")
    local = moment.astimezone(zone)
    assert shown.startswith(f"at {local:%a} {local.day} {local:%b}")
    offset = moment.utcoffset()
    if offset and offset != local.utcoffset():  # the place's own clock is given too
        day = "" if moment.date() == local.date() else f"{moment:%a} "
        assert shown.endswith(f" {local:%H:%M} ({day}{moment:%H:%M} local).")
    else:
        assert shown.endswith(f" {local:%H:%M}.")
    assert (f" {local.year} " in shown) == (local.year != 2026)
    assert moments.in_text(shown) == shown, "a moment shown is not rewritten again"


@given(st.text(alphabet="0123456789-T:Z+ .abc", max_size=60))
def test_rewriting_any_text_is_stable(text: str) -> None:
    once = IN_LISBON.in_text(text)
    assert IN_LISBON.in_text(once) == once
