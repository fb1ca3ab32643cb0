"""The CalendarBackend contract, run against the in-process sandbox and over HTTP.

Every case runs each operation twice: on the backend under test and on a *twin* — a separate
in-process sandbox with the same seed and clock. Results must be identical
(``model_dump(mode="json")``), errors must have the same type and reason. For the ``http`` param
this proves the REST round trip loses and changes nothing; for ``sandbox`` it proves determinism.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
from pydantic import BaseModel

from plangate.tools.base import RetryPolicy
from plangate.tools.clock import FakeClock
from plangate.tools.domains.calendar.backend import CalendarBackend
from plangate.tools.domains.calendar.http import HttpCalendarBackend
from plangate.tools.domains.calendar.models import Event, NewEvent, WorkingHours
from plangate.tools.domains.calendar.routes import PREFIX, router
from plangate.tools.domains.calendar.sandbox import COLLEAGUE, PRIMARY, SandboxCalendarBackend
from plangate.tools.domains.server import create_app, serve_in_thread
from plangate.tools.errors import ToolError, ToolRefusedError

T = TypeVar("T")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WEEK = timedelta(days=7)
SEED = 7


def _dump(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [_dump(item) for item in value]
    return value


@dataclass
class Harness:
    """The backend under test, its twin, and the sandbox serving the backend."""

    backend: CalendarBackend
    twin: SandboxCalendarBackend
    served: SandboxCalendarBackend
    clock: FakeClock

    async def both(self, op: Callable[[CalendarBackend], Awaitable[T]]) -> T:
        """Run ``op`` on backend and twin; assert identical outcomes; return or raise it."""
        outcomes: list[tuple[str, Any]] = []
        for backend in (self.backend, self.twin):
            try:
                outcomes.append(("ok", await op(backend)))
            except ToolError as exc:
                outcomes.append(("error", exc))
        (kind, got), (twin_kind, expected) = outcomes
        assert kind == twin_kind, f"backend: {got!r}; twin: {expected!r}"
        if kind == "error":
            assert type(got) is type(expected)
            assert getattr(got, "reason", None) == getattr(expected, "reason", None)
            raise got
        assert _dump(got) == _dump(expected)
        return got  # type: ignore[no-any-return]


class _Serving:
    """The backend the loopback server serves; each test points it at a fresh sandbox."""

    def __init__(self) -> None:
        self.target: SandboxCalendarBackend | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.target, name)


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, _Serving]]:
    # One server per module keeps the suite fast; the state behind it is fresh for every test.
    serving = _Serving()
    with serve_in_thread(create_app([(PREFIX, router(serving))])) as url:
        yield url + PREFIX, serving


@pytest.fixture(params=["sandbox", "http"])
async def h(request: pytest.FixtureRequest, server: tuple[str, _Serving]) -> AsyncIterator[Harness]:
    clock = FakeClock(NOW)
    served = SandboxCalendarBackend(seed=SEED, clock=clock)
    twin = SandboxCalendarBackend(seed=SEED, clock=clock)
    if request.param == "sandbox":
        yield Harness(served, twin, served, clock)
    else:
        url, serving = server
        serving.target = served
        backend = HttpCalendarBackend(url, clock=clock, retry=RetryPolicy(1))
        try:
            yield Harness(backend, twin, served, clock)
        finally:
            await backend.aclose()
            serving.target = None
    assert served.audit() == []
    assert twin.audit() == []


def _new(summary: str, start: datetime, minutes: int = 30, **fields: Any) -> NewEvent:
    return NewEvent.model_validate(
        {
            "summary": summary,
            "timezone": "Europe/Lisbon",
            "start": start,
            "end": start + timedelta(minutes=minutes),
            **fields,
        }
    )


async def _all(
    backend: CalendarBackend, calendar_id: str, low: datetime, high: datetime, size: int
) -> list[Event]:
    items: list[Event] = []
    token: str | None = None
    while True:
        page = await backend.list_events(calendar_id, low, high, page_token=token, max_results=size)
        items.extend(page.items)
        token = page.next_page_token
        if token is None:
            return items


async def _free_start(h: Harness, minutes: int = 30, after: datetime = NOW) -> datetime:
    slots = await h.twin.find_free_slots(
        PRIMARY,
        after,
        after + WEEK,
        timedelta(minutes=minutes),
        WorkingHours(timezone="Europe/Lisbon"),
    )
    return slots[0].start


# -- listings ------------------------------------------------------------------------------------


async def test_listing_expands_recurring_events_in_order(h: Harness) -> None:
    page = await h.both(lambda b: b.list_events(PRIMARY, NOW, NOW + WEEK))
    assert page.next_page_token is None
    keys = [(e.start.astimezone(UTC), e.id) for e in page.items]
    assert keys == sorted(keys)
    standups = [e for e in page.items if e.summary == "Team standup"]
    assert len(standups) == 5  # Monday to Friday
    assert all(
        e.recurring_event_id and e.id.startswith(e.recurring_event_id + "_") for e in standups
    )
    assert all(not e.recurrence and e.status == "confirmed" for e in page.items)
    assert {e.timezone for e in page.items} >= {"Europe/Lisbon", "America/New_York"}


async def test_pagination_visits_every_event_exactly_once(h: Harness) -> None:
    whole = await h.both(lambda b: b.list_events(PRIMARY, NOW - WEEK, NOW + 2 * WEEK))
    paged = await h.both(lambda b: _all(b, PRIMARY, NOW - WEEK, NOW + 2 * WEEK, size=4))
    assert [e.id for e in paged] == [e.id for e in whole.items]
    assert len({e.id for e in paged}) == len(paged) > 8
    first = await h.both(
        lambda b: b.list_events(PRIMARY, NOW - WEEK, NOW + 2 * WEEK, max_results=4)
    )
    assert len(first.items) == 4
    assert first.next_page_token


async def test_pagination_is_stable_when_an_event_is_created_between_pages(h: Harness) -> None:
    first = await h.both(lambda b: b.list_events(PRIMARY, NOW, NOW + WEEK, max_results=3))
    start = await _free_start(h, after=first.items[-1].end)
    await h.both(lambda b: b.create_event(PRIMARY, _new("Inserted", start), "k-ins"))
    rest = await h.both(lambda b: _all_after(b, first.next_page_token))
    ids = [e.id for e in first.items] + [e.id for e in rest]
    assert len(ids) == len(set(ids))
    assert "Inserted" in {e.summary for e in rest}


async def _all_after(backend: CalendarBackend, token: str | None) -> list[Event]:
    items: list[Event] = []
    while token is not None:
        page = await backend.list_events(PRIMARY, NOW, NOW + WEEK, page_token=token, max_results=3)
        items.extend(page.items)
        token = page.next_page_token
    return items


async def test_a_page_token_from_another_listing_is_refused(h: Harness) -> None:
    page = await h.both(lambda b: b.list_events(PRIMARY, NOW, NOW + WEEK, max_results=2))
    with pytest.raises(ToolRefusedError) as info:
        await h.both(
            lambda b: b.list_events(COLLEAGUE, NOW, NOW + WEEK, page_token=page.next_page_token)
        )
    assert info.value.reason == "invalid"
    with pytest.raises(ToolRefusedError):
        await h.both(lambda b: b.list_events(PRIMARY, NOW, NOW + WEEK, page_token="garbage!"))


async def test_series_listing_returns_each_series_once_with_its_rule(h: Harness) -> None:
    page = await h.both(lambda b: b.list_events(PRIMARY, NOW, NOW + 5 * WEEK, single_events=False))
    series = [e for e in page.items if e.recurrence]
    assert {e.summary for e in series} == {
        "Team standup",
        "Partner sync (New York)",
        "Monthly business review",
    }
    assert any("INTERVAL=2" in line for e in series for line in e.recurrence)


@pytest.mark.parametrize(
    ("calendar_id", "low", "high", "size", "reason"),
    [
        ("nobody@example.com", NOW, NOW + WEEK, 10, "not_found"),
        (PRIMARY, NOW, NOW, 10, "invalid"),
        (PRIMARY, NOW, NOW - WEEK, 10, "invalid"),
        (PRIMARY, NOW.replace(tzinfo=None), NOW + WEEK, 10, "invalid"),
        (PRIMARY, NOW, NOW + WEEK, 0, "invalid"),
        (PRIMARY, NOW, NOW + WEEK, 2501, "invalid"),
    ],
)
async def test_bad_listings_are_refused(
    h: Harness, calendar_id: str, low: datetime, high: datetime, size: int, reason: str
) -> None:
    with pytest.raises(ToolRefusedError) as info:
        await h.both(lambda b: b.list_events(calendar_id, low, high, max_results=size))
    assert info.value.reason == reason


async def test_daylight_saving_keeps_local_times(h: Harness) -> None:
    # The US changes clocks on 8 March, Europe on 29 March 2026.
    page = await h.both(lambda b: b.list_events(PRIMARY, NOW, NOW + 6 * WEEK))
    local = {e.start.strftime("%H:%M") for e in page.items if e.summary == "Team standup"}
    assert len(local) == 1
    offsets = {e.start.utcoffset() for e in page.items if e.summary == "Team standup"}
    assert offsets == {timedelta(0), timedelta(hours=1)}
    syncs = [e for e in page.items if e.summary.startswith("Partner sync")]
    assert {e.start.strftime("%H:%M") for e in syncs} == {"11:00"}
    assert {e.start.utcoffset() for e in syncs} == {timedelta(hours=-5), timedelta(hours=-4)}


# -- get, free/busy, free slots ------------------------------------------------------------------


def _get(event_id: str) -> Callable[[CalendarBackend], Awaitable[Event]]:
    return lambda backend: backend.get_event(PRIMARY, event_id)


async def test_get_event_returns_single_events_and_occurrences(h: Harness) -> None:
    page = await h.both(lambda b: b.list_events(PRIMARY, NOW, NOW + WEEK))
    for listed in (page.items[0], next(e for e in page.items if not e.recurring_event_id)):
        assert await h.both(_get(listed.id)) == listed
    for bad in ("missing", f"{page.items[0].recurring_event_id}_20260302T031500Z", "x_notastamp"):
        with pytest.raises(ToolRefusedError) as info:
            await h.both(_get(bad))
        assert info.value.reason == "not_found"


async def test_free_busy_is_merged_clipped_and_in_utc(h: Harness) -> None:
    low, high = NOW + timedelta(minutes=20), NOW + 2 * WEEK
    result = await h.both(lambda b: b.free_busy([PRIMARY, COLLEAGUE, PRIMARY], low, high))
    assert list(result.calendars) == [PRIMARY, COLLEAGUE]
    for busy in result.calendars.values():
        assert busy
        assert all(i.start.tzinfo is UTC for i in busy)
        assert all(low <= i.start < i.end <= high for i in busy)
        assert all(a.end < b.start for a, b in itertools.pairwise(busy))
    with pytest.raises(ToolRefusedError) as info:
        await h.both(lambda b: b.free_busy(["nobody@example.com"], low, high))
    assert info.value.reason == "not_found"


async def test_free_slots_avoid_busy_time_and_stay_in_working_hours(h: Harness) -> None:
    hours = WorkingHours(timezone="America/New_York", weekdays=(0, 1, 2, 3, 4))
    duration = timedelta(minutes=45)
    slots = await h.both(
        lambda b: b.find_free_slots(COLLEAGUE, NOW - WEEK, NOW + WEEK, duration, hours)
    )
    busy = (await h.twin.free_busy([COLLEAGUE], NOW - WEEK, NOW + WEEK)).calendars[COLLEAGUE]
    assert slots
    for slot in slots:
        assert slot.timezone == "America/New_York"
        assert slot.start >= NOW
        assert slot.end - slot.start >= duration
        assert slot.start.weekday() < 5
        assert slot.start.hour >= 9
        assert slot.end.hour <= 17
        assert not any(i.start < slot.end and i.end > slot.start for i in busy)
    with pytest.raises(ToolRefusedError) as info:
        await h.both(lambda b: b.find_free_slots(PRIMARY, NOW, NOW + WEEK, timedelta(0)))
    assert info.value.reason == "invalid"


# -- create ---------------------------------------------------------------------------------------


async def test_created_event_is_listed_busy_and_found_by_key(h: Harness) -> None:
    start = await _free_start(h)
    created = await h.both(
        lambda b: b.create_event(PRIMARY, _new("Review", start, attendees=["A@Example.com"]), "k1")
    )
    assert created.status == "confirmed"
    assert created.idempotency_key == "k1"
    assert created.attendees == ("a@example.com",)
    page = await h.both(lambda b: b.list_events(PRIMARY, start, start + timedelta(minutes=30)))
    assert [e.id for e in page.items] == [created.id]
    busy = await h.both(lambda b: b.free_busy([PRIMARY], start, start + timedelta(minutes=30)))
    assert [(i.start, i.end) for i in busy.calendars[PRIMARY]] == [(created.start, created.end)]
    assert await h.both(lambda b: b.find_event_by_key("k1")) == created
    assert await h.both(lambda b: b.get_event(PRIMARY, created.id)) == created
    assert await h.both(lambda b: b.find_event_by_key("never-used")) is None


async def test_a_repeated_key_returns_the_first_result_and_creates_nothing(h: Harness) -> None:
    start = await _free_start(h)
    first = await h.both(lambda b: b.create_event(PRIMARY, _new("Once", start), "same"))
    again = await h.both(lambda b: b.create_event(PRIMARY, _new("Once", start), "same"))
    assert first == again
    # The same key for a different event is a reused key (409 over HTTP), not the first result.
    with pytest.raises(ToolRefusedError) as info:
        await h.both(lambda b: b.create_event(PRIMARY, _new("Else", start + WEEK), "same"))
    assert info.value.reason == "idempotency_key_reused"
    assert "'same' was already used to create event" in info.value.message
    page = await h.both(lambda b: b.list_events(PRIMARY, NOW, NOW + 2 * WEEK))
    assert [e.summary for e in page.items].count("Once") == 1
    assert "Else" not in {e.summary for e in page.items}


async def test_creating_in_the_past_is_refused(h: Harness) -> None:
    with pytest.raises(ToolRefusedError) as info:
        await h.both(lambda b: b.create_event(PRIMARY, _new("Late", NOW - timedelta(hours=1)), "k"))
    assert info.value.reason == "past_date"
    assert await h.both(lambda b: b.find_event_by_key("k")) is None


async def test_a_conflict_is_refused_with_the_nearest_free_slots(h: Harness) -> None:
    page = await h.both(lambda b: b.list_events(PRIMARY, NOW + timedelta(days=1), NOW + WEEK))
    taken = page.items[0]
    clash = _new("Clash", taken.start, minutes=30)
    with pytest.raises(ToolRefusedError) as info:
        await h.both(lambda b: b.create_event(PRIMARY, clash, "k-clash"))
    assert info.value.reason == "conflict"
    assert taken.summary in info.value.message
    assert "nearest free times" in info.value.hint
    assert "allow_conflict" in info.value.hint
    booked = await h.both(lambda b: b.create_event(PRIMARY, clash, "k-force", allow_conflict=True))
    assert booked.start == taken.start


async def test_a_recurring_event_conflicts_with_later_occurrences(h: Harness) -> None:
    start = await _free_start(h, minutes=60)
    weekly = _new("Weekly", start, 60, recurrence=["RRULE:FREQ=WEEKLY;COUNT=4"])
    series = await h.both(lambda b: b.create_event(PRIMARY, weekly, "k-weekly"))
    third = start + 2 * WEEK + timedelta(minutes=15)
    with pytest.raises(ToolRefusedError) as info:
        await h.both(lambda b: b.create_event(PRIMARY, _new("Later", third), "k-later"))
    assert info.value.reason == "conflict"
    page = await h.both(lambda b: b.list_events(PRIMARY, start, start + 5 * WEEK))
    occurrences = [e for e in page.items if e.recurring_event_id == series.id]
    assert [e.start for e in occurrences] == [start + n * WEEK for n in range(4)]


# -- cancel ---------------------------------------------------------------------------------------


async def test_cancelled_events_leave_listings_and_free_busy(h: Harness) -> None:
    start = await _free_start(h)
    created = await h.both(lambda b: b.create_event(PRIMARY, _new("Gone", start), "k-c"))
    cancelled = await h.both(lambda b: b.cancel_event(PRIMARY, created.id, "k-x"))
    assert cancelled.status == "cancelled"
    assert cancelled.id == created.id
    assert await h.both(lambda b: b.cancel_event(PRIMARY, created.id, "k-x")) == cancelled
    page = await h.both(lambda b: b.list_events(PRIMARY, start, start + timedelta(minutes=30)))
    assert created.id not in {e.id for e in page.items}
    busy = await h.both(lambda b: b.free_busy([PRIMARY], start, start + timedelta(minutes=30)))
    assert busy.calendars[PRIMARY] == ()
    assert (await h.both(lambda b: b.get_event(PRIMARY, created.id))).status == "cancelled"
    assert await h.both(lambda b: b.find_event_by_key("k-x")) == cancelled
    with pytest.raises(ToolRefusedError) as info:
        await h.both(lambda b: b.cancel_event(PRIMARY, created.id, "k-y"))
    assert info.value.reason == "already_cancelled"


async def test_cancelling_one_occurrence_keeps_the_rest_of_the_series(h: Harness) -> None:
    page = await h.both(lambda b: b.list_events(PRIMARY, NOW + timedelta(days=1), NOW + WEEK))
    target = next(e for e in page.items if e.summary == "Team standup")
    cancelled = await h.both(lambda b: b.cancel_event(PRIMARY, target.id, "k-one"))
    assert cancelled.status == "cancelled"
    assert cancelled.start == target.start
    after = await h.both(lambda b: b.list_events(PRIMARY, NOW + timedelta(days=1), NOW + WEEK))
    assert {e.id for e in after.items} == {e.id for e in page.items} - {target.id}
    series = await h.both(lambda b: b.get_event(PRIMARY, target.recurring_event_id or ""))
    assert series.status == "confirmed"
    assert any(line.startswith("EXDATE:") for line in series.recurrence)
    assert (await h.both(lambda b: b.get_event(PRIMARY, target.id))).status == "cancelled"


async def test_cancelling_a_series_removes_every_occurrence(h: Harness) -> None:
    page = await h.both(lambda b: b.list_events(PRIMARY, NOW, NOW + WEEK))
    series_id = next(e.recurring_event_id for e in page.items if e.summary == "Team standup")
    assert series_id is not None
    await h.both(lambda b: b.cancel_event(PRIMARY, series_id, "k-series"))
    after = await h.both(lambda b: b.list_events(PRIMARY, NOW - 4 * WEEK, NOW + 4 * WEEK))
    assert "Team standup" not in {e.summary for e in after.items}


@pytest.mark.parametrize(("event_id", "reason"), [("missing", "not_found"), ("past", "past_date")])
async def test_bad_cancellations_are_refused(h: Harness, event_id: str, reason: str) -> None:
    if event_id == "past":
        page = await h.both(lambda b: b.list_events(PRIMARY, NOW - WEEK, NOW))
        event_id = next(e.id for e in page.items if e.end <= NOW)
    with pytest.raises(ToolRefusedError) as info:
        await h.both(lambda b: b.cancel_event(PRIMARY, event_id, "k-bad"))
    assert info.value.reason == reason


async def test_a_key_cannot_be_reused_for_another_kind_of_write(h: Harness) -> None:
    start = await _free_start(h)
    created = await h.both(lambda b: b.create_event(PRIMARY, _new("Keyed", start), "k-mixed"))
    with pytest.raises(ToolRefusedError) as info:
        await h.both(lambda b: b.cancel_event(PRIMARY, created.id, "k-mixed"))
    assert info.value.reason == "idempotency_key_reused"
