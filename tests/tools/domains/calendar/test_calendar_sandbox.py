"""The sandbox itself: seeded data, determinism, free-slot search, and an audit that can fail."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from plangate.tools.clock import FakeClock
from plangate.tools.domains.calendar._store import Stored
from plangate.tools.domains.calendar.models import BusyInterval, Event, NewEvent, WorkingHours
from plangate.tools.domains.calendar.sandbox import COLLEAGUE, PRIMARY, SandboxCalendarBackend
from plangate.tools.domains.calendar.slots import free_slots, merge_busy, nearest_slots
from plangate.tools.errors import ToolRefusedError

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


async def _everything(sandbox: SandboxCalendarBackend, calendar_id: str) -> list[Event]:
    page = await sandbox.list_events(calendar_id, NOW - 60 * DAY, NOW + 60 * DAY, max_results=2500)
    return list(page.items)


async def test_the_same_seed_gives_the_same_calendars() -> None:
    first = SandboxCalendarBackend(seed=3, clock=FakeClock(NOW))
    second = SandboxCalendarBackend(seed=3, clock=FakeClock(NOW))
    other = SandboxCalendarBackend(seed=4, clock=FakeClock(NOW))
    for calendar_id in (PRIMARY, COLLEAGUE):
        assert await _everything(first, calendar_id) == await _everything(second, calendar_id)
    assert await _everything(first, PRIMARY) != await _everything(other, PRIMARY)


async def test_seeded_series_span_time_zones(sandbox: SandboxCalendarBackend) -> None:
    page = await sandbox.list_events(PRIMARY, NOW, NOW + 40 * DAY, single_events=False)
    series = {e.summary: e for e in page.items if e.recurrence}
    assert series["Team standup"].timezone == "Europe/Lisbon"
    assert series["Team standup"].recurrence == ("RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",)
    assert series["Partner sync (New York)"].timezone == "America/New_York"
    assert "INTERVAL=2" in series["Partner sync (New York)"].recurrence[0]
    assert series["Monthly business review"].recurrence == ("RRULE:FREQ=MONTHLY;BYDAY=1WE",)
    assert all(e.start < NOW for e in series.values())


async def test_seeded_one_offs_surround_now(sandbox: SandboxCalendarBackend) -> None:
    singles = [e for e in await _everything(sandbox, PRIMARY) if not e.recurring_event_id]
    assert len(singles) >= 4
    assert all(NOW - 3 * DAY <= e.start <= NOW + 10 * DAY for e in singles)
    assert any(e.start < NOW for e in singles)
    assert any(e.start > NOW for e in singles)
    assert "Asia/Tokyo" in {e.timezone for e in singles}
    colleague = await _everything(sandbox, COLLEAGUE)
    assert {e.timezone for e in colleague} == {"America/New_York"}


@pytest.mark.parametrize("seed", range(12))
def test_every_seed_starts_healthy(seed: int) -> None:
    assert SandboxCalendarBackend(seed=seed, clock=FakeClock(NOW + seed * 5 * DAY)).audit() == []


def test_the_default_clock_is_the_system_clock() -> None:
    sandbox = SandboxCalendarBackend()
    assert sandbox.anchor.tzinfo is not None
    assert sandbox.audit() == []


async def test_the_audit_catches_a_double_booking(sandbox: SandboxCalendarBackend) -> None:
    taken = (await sandbox.list_events(PRIMARY, NOW + DAY, NOW + 7 * DAY)).items[0]
    sneaky = taken.model_copy(update={"id": "sneaky", "recurrence": (), "recurring_event_id": None})
    sandbox._store.calendars[PRIMARY]["sneaky"] = Stored(sneaky)
    problems = sandbox.audit()
    assert any("overlap" in p and "sneaky" in p for p in problems)


async def test_the_audit_catches_keys_that_lie(sandbox: SandboxCalendarBackend) -> None:
    start = NOW + 2 * DAY + timedelta(hours=5)
    event = NewEvent(summary="x", timezone="UTC", start=start, end=start + timedelta(minutes=30))
    created = await sandbox.create_event(PRIMARY, event, "k1", allow_conflict=True)
    assert sandbox.audit() == []
    stored = sandbox._store.calendars[PRIMARY][created.id]
    stored.event = created.model_copy(update={"idempotency_key": "k-other"})
    problems = sandbox.audit()
    assert any("carries 'k-other'" in p for p in problems)
    assert any("which did not create it" in p for p in problems)
    del sandbox._store.calendars[PRIMARY][created.id]
    assert any("which does not exist" in p for p in sandbox.audit())


async def test_an_ongoing_event_can_be_cancelled_but_a_finished_one_cannot(
    sandbox: SandboxCalendarBackend, clock: FakeClock
) -> None:
    start = NOW + timedelta(hours=5)
    weekly = NewEvent(
        summary="Thrice",
        timezone="Europe/Lisbon",
        start=start,
        end=start + timedelta(hours=1),
        recurrence=["RRULE:FREQ=WEEKLY;COUNT=3"],
    )
    series = await sandbox.create_event(PRIMARY, weekly, "k1")
    clock.advance(timedelta(hours=5, minutes=30).total_seconds())
    first = f"{series.id}_{start:%Y%m%dT%H%M%SZ}"
    assert (await sandbox.cancel_event(PRIMARY, first, "k2")).status == "cancelled"
    clock.advance(timedelta(days=15).total_seconds())
    with pytest.raises(ToolRefusedError) as info:
        await sandbox.cancel_event(PRIMARY, series.id, "k3")
    assert info.value.reason == "past_date"
    assert sandbox.audit() == []


async def test_conflict_hints_never_offer_the_past(
    sandbox: SandboxCalendarBackend, clock: FakeClock
) -> None:
    ongoing = next(
        e for e in await _everything(sandbox, PRIMARY) if e.start <= NOW + DAY and e.end > NOW
    )
    clock.advance((ongoing.start - NOW).total_seconds() if ongoing.start > NOW else 0)
    now = clock.now()
    clash = NewEvent(
        summary="Now", timezone="UTC", start=now, end=ongoing.end + timedelta(minutes=1)
    )
    with pytest.raises(ToolRefusedError) as info:
        await sandbox.create_event(PRIMARY, clash, "k")
    offered = info.value.hint.split("nearest free times: ")[1].split("; or")[0]
    for option in offered.split("; "):
        day, span = option.split(" ")[:2]
        begins = datetime.fromisoformat(f"{day}T{span.split('–')[0]}:00+00:00")
        assert begins >= now.replace(second=0, microsecond=0)


def test_busy_time_merges_overlapping_and_touching_intervals() -> None:
    t = NOW
    merged = merge_busy(
        [
            (t, t + DAY / 24),
            (t + DAY / 24, t + DAY / 12),
            (t + DAY / 2, t + DAY),
            (t - DAY, t - DAY / 2),
        ],
        t,
        t + DAY / 1.5,
    )
    assert [(m.start, m.end) for m in merged] == [(t, t + DAY / 12), (t + DAY / 2, t + DAY / 1.5)]


def test_working_hours_follow_daylight_saving() -> None:
    # Europe moves its clocks on Sunday 29 March 2026; a working day starts at 08:00 UTC after.
    hours = WorkingHours(start=time(9), end=time(17), timezone="Europe/Lisbon", weekdays=(4, 0))
    friday = datetime(2026, 3, 27, tzinfo=UTC)
    slots = free_slots((), friday, friday + 4 * DAY, timedelta(hours=1), hours)
    assert [(s.start.astimezone(UTC).hour, s.start.strftime("%a")) for s in slots] == [
        (9, "Fri"),
        (8, "Mon"),
    ]


def test_free_slots_skip_short_gaps_and_the_past() -> None:
    busy = (
        BusyInterval(start=NOW + timedelta(minutes=30), end=NOW + timedelta(minutes=50)),
        BusyInterval(start=NOW + timedelta(minutes=60), end=NOW + timedelta(hours=2)),
    )
    slots = free_slots(
        busy,
        NOW,
        NOW + timedelta(hours=3),
        timedelta(minutes=30),
        not_before=NOW + timedelta(minutes=10),
    )
    assert [(s.start, s.end) for s in slots] == [
        (NOW + timedelta(hours=2), NOW + timedelta(hours=3))
    ]
    near = nearest_slots(busy, NOW + timedelta(minutes=40), timedelta(minutes=15), not_before=NOW)
    # The 10-minute gap at 09:50 is too short; 09:15 is 25 minutes away, 11:00 is 80.
    assert [s.start for s in near] == [NOW + timedelta(minutes=15), NOW + timedelta(hours=2)]
