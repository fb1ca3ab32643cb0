"""Calendar models and recurrence lines: validation with messages that say what to change."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from plangate.tools.domains.calendar.models import (
    BusyInterval,
    Event,
    FreeBusy,
    FreeSlot,
    NewEvent,
    WorkingHours,
    require_aware,
    zone,
)
from plangate.tools.domains.calendar.recurrence import (
    canonical_recurrence,
    is_occurrence,
    occurrences,
)

START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
ZONES = sorted(available_timezones() - {"localtime", "Factory"})


def _event(**fields: object) -> NewEvent:
    data: dict[str, object] = {
        "summary": "Standup",
        "timezone": "Europe/Lisbon",
        "start": START,
        "end": START + timedelta(minutes=15),
    }
    return NewEvent.model_validate({**data, **fields})


def _messages(exc: ValidationError) -> str:
    return " | ".join(str(err["msg"]) for err in exc.errors())


def test_a_naive_datetime_is_refused_with_a_fix() -> None:
    with pytest.raises(ValidationError) as info:
        _event(start="2026-03-02T09:30:00")
    text = _messages(info.value)
    assert "has no time zone" in text
    assert "2026-03-02T09:30:00Z" in text
    with pytest.raises(ValueError, match="has no time zone"):
        require_aware(datetime(2026, 3, 2, 9, 30))


@pytest.mark.parametrize("name", ["Mars/Olympus", "Europe/Lisbon ", "", "../etc/passwd", "EST+5"])
def test_unknown_time_zones_are_refused(name: str) -> None:
    with pytest.raises(ValidationError) as info:
        _event(timezone=name)
    assert "unknown time zone" in _messages(info.value)
    assert "IANA" in _messages(info.value)


@given(st.sampled_from(ZONES))
def test_every_iana_zone_is_accepted_and_applied(name: str) -> None:
    event = _event(timezone=name)
    assert event.start == START
    assert event.start.tzinfo == ZoneInfo(name)
    assert zone(name).key == name


def test_start_and_end_are_expressed_in_the_events_zone() -> None:
    event = _event(
        timezone="America/New_York", start="2026-03-02T14:30:00Z", end="2026-03-02T15:00:00Z"
    )
    assert event.start.isoformat() == "2026-03-02T09:30:00-05:00"
    assert event.model_dump(mode="json")["start"] == "2026-03-02T09:30:00-05:00"


@pytest.mark.parametrize("minutes", [0, -30])
def test_an_event_must_end_after_it_starts(minutes: int) -> None:
    with pytest.raises(ValidationError) as info:
        _event(end=START + timedelta(minutes=minutes))
    assert "is not after start" in _messages(info.value)


def test_end_after_start_is_judged_in_elapsed_time_across_dst() -> None:
    # 01:30 -> 01:10 local on the night clocks go back in New York is 40 minutes later.
    tz = ZoneInfo("America/New_York")
    start = datetime(2026, 11, 1, 1, 30, tzinfo=tz)
    end = datetime(2026, 11, 1, 1, 10, fold=1, tzinfo=tz)
    event = _event(timezone="America/New_York", start=start, end=end)
    assert event.duration == timedelta(minutes=40)


def test_attendees_must_be_addresses_and_are_lower_cased() -> None:
    assert _event(attendees=["Ana@Example.COM"]).attendees == ("ana@example.com",)
    with pytest.raises(ValidationError) as info:
        _event(attendees=["ana at example"])
    assert "is not an email address" in _messages(info.value)


@pytest.mark.parametrize(
    ("line", "complaint"),
    [
        ("RRULE:FREQ=SOMETIMES", "not a valid RRULE"),
        ("RRULE:BYDAY=MO", "FREQ is required"),
        ("RRULE:FREQ=WEEKLY;UNTIL=20260601T000000", "UTC"),
        ("FREQ=WEEKLY", "not supported"),
        ("RDATE:20260302T093000Z", "not supported"),
        ("EXDATE:2026-03-09", "YYYYMMDDTHHMMSSZ"),
    ],
)
def test_bad_recurrence_lines_are_named(line: str, complaint: str) -> None:
    with pytest.raises(ValidationError) as info:
        _event(recurrence=[line])
    assert complaint in _messages(info.value)
    assert line in _messages(info.value)


def test_exdate_needs_a_rule() -> None:
    with pytest.raises(ValidationError) as info:
        _event(recurrence=["EXDATE:20260309T093000Z"])
    assert "no RRULE" in _messages(info.value)


def test_recurrence_is_stored_canonically() -> None:
    event = _event(
        recurrence=[
            "rrule:byday=mo,tu;freq=weekly",
            "EXDATE:20260310T093000Z",
            "EXDATE:20260309T093000Z,20260310T093000Z",
        ]
    )
    assert event.recurrence == (
        "RRULE:FREQ=WEEKLY;BYDAY=MO,TU",
        "EXDATE:20260309T093000Z,20260310T093000Z",
    )


RULE_PARTS = st.fixed_dictionaries(
    {"FREQ": st.sampled_from(["DAILY", "WEEKLY", "MONTHLY"])},
    optional={
        "INTERVAL": st.integers(1, 4).map(str),
        "COUNT": st.integers(1, 20).map(str),
        "BYDAY": st.lists(
            st.sampled_from(["MO", "TU", "WE", "TH", "FR"]), min_size=1, max_size=3, unique=True
        ).map(",".join),
    },
)


@given(RULE_PARTS, st.randoms())
def test_canonical_recurrence_is_idempotent_and_order_free(
    parts: dict[str, str], rnd: object
) -> None:
    items = list(parts.items())
    rnd.shuffle(items)  # type: ignore[attr-defined]
    line = "RRULE:" + ";".join(f"{key}={value}" for key, value in items)
    once = canonical_recurrence([line])
    assert canonical_recurrence(list(once)) == once
    assert once == canonical_recurrence(["RRULE:" + ";".join(f"{k}={v}" for k, v in parts.items())])


@given(RULE_PARTS, st.integers(0, 60))
def test_expansion_respects_the_window_and_exdates(parts: dict[str, str], offset: int) -> None:
    rule = "RRULE:" + ";".join(f"{key}={value}" for key, value in parts.items())
    lines = canonical_recurrence([rule])
    low, high = START + timedelta(days=offset), START + timedelta(days=offset + 30)
    found = occurrences(lines, START, timedelta(minutes=15), low, high)
    assert found == sorted(found)
    assert all(low - timedelta(minutes=15) < when < high for when in found)
    assert all(is_occurrence(lines, START, when) for when in found)
    if found:
        excluded = canonical_recurrence([rule, f"EXDATE:{found[0].astimezone(UTC):%Y%m%dT%H%M%SZ}"])
        assert occurrences(excluded, START, timedelta(minutes=15), low, high) == found[1:]


def test_weekly_expansion_keeps_local_time_across_dst() -> None:
    lisbon = ZoneInfo("Europe/Lisbon")
    start = datetime(2026, 3, 23, 9, 30, tzinfo=lisbon)
    found = occurrences(
        ("RRULE:FREQ=WEEKLY",), start, timedelta(minutes=15), start, start + timedelta(days=14)
    )
    assert [w.strftime("%H:%M %z") for w in found] == ["09:30 +0000", "09:30 +0100"]


def test_busy_intervals_are_utc_and_free_slots_are_in_their_zone() -> None:
    lisbon = datetime(2026, 6, 1, 10, 0, tzinfo=ZoneInfo("Europe/Lisbon"))
    busy = BusyInterval(start=lisbon, end=lisbon + timedelta(hours=1))
    assert busy.start.tzinfo is UTC
    assert busy.start.hour == 9
    slot = FreeSlot(start=busy.start, end=busy.end, timezone="Asia/Tokyo")
    assert slot.start.hour == 18
    with pytest.raises(ValidationError):
        BusyInterval(start=lisbon, end=lisbon)
    with pytest.raises(ValidationError):
        FreeSlot(start=lisbon, end=lisbon - timedelta(minutes=1))
    result = FreeBusy(time_min=lisbon, time_max=lisbon + timedelta(days=1), calendars={})
    assert result.time_min.tzinfo is UTC


@pytest.mark.parametrize(
    ("fields", "complaint"),
    [
        ({"start": time(17), "end": time(9)}, "is not after start"),
        ({"weekdays": (0, 7)}, "Monday"),
        ({"weekdays": ()}, "Monday"),
        ({"start": time(9, tzinfo=UTC)}, "drop their UTC offset"),
        ({"timezone": "Nowhere/City"}, "unknown time zone"),
    ],
)
def test_bad_working_hours_are_refused(fields: dict[str, object], complaint: str) -> None:
    with pytest.raises(ValidationError) as info:
        WorkingHours.model_validate(fields)
    assert complaint in _messages(info.value)


def test_an_event_needs_an_id_and_a_known_status() -> None:
    base = _event().model_dump()
    assert (
        Event.model_validate({**base, "id": "e1", "calendar_id": "primary"}).status == "confirmed"
    )
    with pytest.raises(ValidationError):
        Event.model_validate({**base, "id": "e1", "calendar_id": "primary", "status": "tentative"})
    with pytest.raises(ValidationError):
        Event.model_validate({**base, "calendar_id": "primary"})
