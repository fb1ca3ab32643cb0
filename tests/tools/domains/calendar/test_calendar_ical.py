"""iCalendar export and import: round trips, and bad input refused with the line at fault."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from plangate.tools.clock import FakeClock
from plangate.tools.domains.calendar.ical import export_calendar, export_ics, import_ics
from plangate.tools.domains.calendar.models import Event
from plangate.tools.domains.calendar.sandbox import COLLEAGUE, PRIMARY, SandboxCalendarBackend
from plangate.tools.errors import ToolRefusedError

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MONTH = timedelta(days=30)


def _ics(*vevent_lines: str) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", *vevent_lines, "END:VCALENDAR"]
    return "\r\n".join(lines) + "\r\n"


def _vevent(*lines: str) -> list[str]:
    return ["BEGIN:VEVENT", *lines, "END:VEVENT"]


GOOD = _vevent(
    "UID:good-1",
    "DTSTAMP:20260301T000000Z",
    "SUMMARY:Planning",
    "DTSTART;TZID=Europe/Lisbon:20260303T100000",
    "DTEND;TZID=Europe/Lisbon:20260303T110000",
)


def _refusal(text: str) -> ToolRefusedError:
    with pytest.raises(ToolRefusedError) as info:
        import_ics(text, PRIMARY)
    assert info.value.reason == "invalid"
    assert info.value.hint
    return info.value


@pytest.mark.parametrize("calendar_id", [PRIMARY, COLLEAGUE])
async def test_a_calendar_round_trips_through_ics(
    sandbox: SandboxCalendarBackend, clock: FakeClock, calendar_id: str
) -> None:
    text = await export_calendar(sandbox, calendar_id, NOW - MONTH, NOW + MONTH, clock=clock)
    page = await sandbox.list_events(calendar_id, NOW - MONTH, NOW + MONTH, single_events=False)
    imported = import_ics(text, calendar_id)
    assert [e.model_dump(mode="json") for e in imported] == [
        e.model_dump(mode="json") for e in page.items
    ]
    assert any(e.recurrence for e in imported)
    assert f"X-WR-CALNAME:{calendar_id}" in text


async def test_export_writes_rrule_tzid_and_timezones(
    sandbox: SandboxCalendarBackend, clock: FakeClock
) -> None:
    text = await export_calendar(sandbox, PRIMARY, NOW, NOW + MONTH, clock=clock)
    assert "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR" in text
    assert "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=" in text
    assert "DTSTART;TZID=Europe/Lisbon:" in text
    assert "DTSTART;TZID=America/New_York:" in text
    parsed = Calendar.from_ical(text)
    zones = {str(tz["TZID"]) for tz in parsed.walk("VTIMEZONE")}
    assert {"Europe/Lisbon", "America/New_York"} <= zones
    assert {v.decoded("DTSTAMP") for v in parsed.walk("VEVENT")} == {NOW}


async def test_cancelled_occurrences_export_as_exdate(sandbox: SandboxCalendarBackend) -> None:
    page = await sandbox.list_events(PRIMARY, NOW + timedelta(days=1), NOW + timedelta(days=7))
    standup = next(e for e in page.items if e.summary == "Team standup")
    await sandbox.cancel_event(PRIMARY, standup.id, "k")
    series = await sandbox.get_event(PRIMARY, standup.recurring_event_id or "")
    text = export_ics([series], stamp=NOW)
    assert f"EXDATE:{standup.start.astimezone(UTC):%Y%m%dT%H%M%SZ}" in text
    (back,) = import_ics(text, PRIMARY)
    assert back == series


def test_occurrences_keys_and_statuses_round_trip() -> None:
    event = Event(
        id="s1_20260303T100000Z",
        calendar_id=PRIMARY,
        summary="Occurrence; with, escapes\\ and ünïcode",
        description="Line one\nLine two",
        location="Café, Lisbon",
        timezone="UTC",
        start=datetime(2026, 3, 3, 10, tzinfo=UTC),
        end=datetime(2026, 3, 3, 11, tzinfo=UTC),
        attendees=("a@example.com", "b@example.com"),
        status="cancelled",
        recurring_event_id="s1",
        idempotency_key="pg-abc",
    )
    assert import_ics(export_ics([event], stamp=NOW), PRIMARY) == [event]


TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40
).filter(lambda s: s.strip() == s and s.strip())


@given(
    summary=TEXT,
    minutes=st.integers(1, 600),
    offset=st.integers(0, 10_000),
    zone=st.sampled_from(["Europe/Lisbon", "America/New_York", "Asia/Tokyo", "UTC"]),
    rule=st.sampled_from(["", "RRULE:FREQ=DAILY;COUNT=3", "RRULE:FREQ=WEEKLY;BYDAY=MO,FR"]),
)
def test_any_event_round_trips(
    summary: str, minutes: int, offset: int, zone: str, rule: str
) -> None:
    start = NOW + timedelta(minutes=15 * offset)
    event = Event.model_validate(
        {
            "id": "e1",
            "calendar_id": PRIMARY,
            "summary": summary,
            "timezone": zone,
            "start": start,
            "end": start + timedelta(minutes=minutes),
            "recurrence": [rule] if rule else [],
        }
    )
    assert import_ics(export_ics([event], stamp=NOW), PRIMARY) == [event]


def test_a_good_document_imports() -> None:
    (event,) = import_ics(_ics(*GOOD), COLLEAGUE)
    assert event.id == "good-1"
    assert event.calendar_id == COLLEAGUE
    assert event.start == datetime(2026, 3, 3, 10, tzinfo=UTC)
    assert event.timezone == "Europe/Lisbon"


def test_windows_zone_names_are_mapped_and_duration_is_read() -> None:
    text = _ics(
        *_vevent(
            "UID:w",
            "SUMMARY:x",
            "DTSTART;TZID=Eastern Standard Time:20260303T100000",
            "DURATION:PT45M",
        )
    )
    (event,) = import_ics(text, PRIMARY)
    assert event.timezone == "America/New_York"
    assert event.duration == timedelta(minutes=45)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["UID:a", "DTSTART:20260303T100000"], ["line 6: VEVENT 'a' DTSTART", "floating time"]),
        (
            ["UID:a", "DTSTART;TZID=Mars/Olympus:20260303T100000", "DTEND:20260303T110000Z"],
            ["line 6", "'Mars/Olympus' is not a known time zone"],
        ),
        (
            ["UID:a", "DTSTART;VALUE=DATE:20260303", "DTEND;VALUE=DATE:20260304"],
            ["line 6", "all-day event"],
        ),
        (["UID:a", "DTSTART:20260303T100000Z"], ["VEVENT 'a'", "neither DTEND nor DURATION"]),
        (["UID:a", "DTEND:20260303T100000Z"], ["VEVENT 'a'", "DTSTART is missing"]),
        (
            ["SUMMARY:x", "DTSTART:20260303T100000Z", "DTEND:20260303T110000Z"],
            ["line 4", "UID is missing"],
        ),
        (
            ["UID:a", "DTSTART:20260303T100000Z", "DTEND:20260303T110000Z", "RRULE:FREQ=SOMETIMES"],
            ["line 8: VEVENT 'a' RRULE", "SOMETIMES"],
        ),
        (
            ["UID:a", "DTSTART:20260303T110000Z", "DTEND:20260303T100000Z"],
            ["line 7: VEVENT 'a' DTEND", "is not after start"],
        ),
        (
            [
                "UID:a",
                "DTSTART:20260303T100000Z",
                "DTEND:20260303T110000Z",
                "ATTENDEE:mailto:nobody",
            ],
            ["line 8: VEVENT 'a' ATTENDEE", "not an email address"],
        ),
        (
            [
                "UID:a",
                "DTSTART:20260303T100000Z",
                "DTEND:20260303T110000Z",
                "RDATE:20260304T100000Z",
            ],
            ["line 8: VEVENT 'a' RDATE", "not supported"],
        ),
        (
            ["UID:a", "DTSTART:2026-03-03", "DTEND:20260303T110000Z"],
            ["(1 problem(s)): line 6: VEVENT 'a' DTSTART", "Expected datetime"],
        ),
    ],
)
def test_bad_events_are_refused_naming_line_component_and_property(
    lines: list[str], expected: list[str]
) -> None:
    error = _refusal(_ics(*_vevent(*lines)))
    for fragment in expected:
        assert fragment in error.message


def test_every_problem_is_reported_at_once() -> None:
    text = _ics(
        *GOOD,
        *_vevent("UID:b", "DTSTART:20260303T100000"),
        *_vevent("UID:good-1", "DTSTART:20260303T100000Z", "DURATION:PT1H"),
    )
    error = _refusal(text)
    assert "(2 problem(s))" in error.message
    assert "VEVENT 'b'" in error.message
    assert "the UID is used twice" in error.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            _ics(*GOOD[:3], "this is not a line", *GOOD[3:]),
            "line 7: 'this is not a line' is not a content line",
        ),
        ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n", "not one iCalendar object"),
        (_ics() + _ics(), "not one iCalendar object"),
        ("BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n", "expected BEGIN:VCALENDAR"),
        ("hello", "is not a content line"),
    ],
)
def test_broken_documents_are_refused(text: str, expected: str) -> None:
    assert expected in _refusal(text).message


def test_folded_lines_are_read_and_counted_from_their_start() -> None:
    folded = [*GOOD[:3], "SUMMARY:A very long", "  summary", *GOOD[4:]]
    (event,) = import_ics(_ics(*folded), PRIMARY)
    assert event.summary == "A very long summary"
    bad = [*GOOD[:4], "DESCRIPTION:x", " y", "DTSTART:20260303T100000", *GOOD[5:]]
    assert "line 10: VEVENT 'good-1' DTSTART" in _refusal(_ics(*bad)).message
