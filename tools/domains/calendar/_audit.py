"""The sandbox's self-audit: the invariants ``plangate.tools.domains.calendar.sandbox`` documents,
checked exactly.

Each check reads the store through the same paths the API uses (paged listings, free/busy) and
compares them with what the stored events say directly, so a bug in paging, expansion,
cancellation or conflict checking shows up as a named violation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from datetime import datetime

from pydantic import ValidationError

from plangate.tools.domains.calendar._store import CalendarStore, expand, page_of, sort_key
from plangate.tools.domains.calendar.models import BusyInterval, Event
from plangate.tools.domains.calendar.recurrence import format_utc, parse_utc
from plangate.tools.domains.calendar.slots import merge_busy
from plangate.tools.errors import ToolRefusedError

KeyRecords = Mapping[str, tuple[str, str, str]]
"""Idempotency key → (operation, calendar id, event id)."""
BusyOf = Callable[[str, datetime, datetime], tuple[BusyInterval, ...]]

_PAGE = 50


def _page_through(
    store: CalendarStore, calendar_id: str, low: datetime, high: datetime
) -> list[Event]:
    everything = store.listed(calendar_id, low, high, single_events=True)
    listed: list[Event] = []
    token: str | None = None
    while True:
        page = page_of(
            everything,
            calendar_id=calendar_id,
            time_min=low,
            time_max=high,
            single_events=True,
            page_token=token,
            max_results=_PAGE,
        )
        listed.extend(page.items)
        token = page.next_page_token
        if token is None:
            return listed


def _cancelled_ids(store: CalendarStore, calendar_id: str) -> tuple[set[str], set[str]]:
    """(ids of cancelled events and series, ids of cancelled occurrences)."""
    whole: set[str] = set()
    single: set[str] = set()
    for event_id, stored in store.calendars[calendar_id].items():
        if stored.event.status == "cancelled":
            whole.add(event_id)
        for line in stored.event.recurrence:
            if line.startswith("EXDATE:"):
                stamps = line.split(":", 1)[1].split(",")
                single.update(f"{event_id}_{format_utc(parse_utc(s))}" for s in stamps)
    return whole, single


def _audit_calendar(
    store: CalendarStore, calendar_id: str, low: datetime, high: datetime, busy_of: BusyOf
) -> list[str]:
    where = f"calendar {calendar_id!r}"
    problems: list[str] = []
    listed = _page_through(store, calendar_id, low, high)
    counts = Counter(event.id for event in listed)
    repeated = sorted(event_id for event_id, n in counts.items() if n > 1)
    if repeated:
        problems.append(f"{where}: listed more than once: {repeated}")
    expected = {
        occurrence.id
        for stored in store.calendars[calendar_id].values()
        if stored.event.status == "confirmed"
        for occurrence in expand(stored.event, low, high)
    }
    if missing := sorted(expected - set(counts)):
        problems.append(f"{where}: confirmed but not listed: {missing}")
    if extra := sorted(set(counts) - expected):
        problems.append(f"{where}: listed but not confirmed: {extra}")
    keys = [sort_key(event) for event in listed]
    if keys != sorted(keys):
        problems.append(f"{where}: listing is not ordered by (start, id)")
    whole, single = _cancelled_ids(store, calendar_id)
    shown = [
        event.id
        for event in listed
        if event.status != "confirmed"
        or event.id in single
        or (event.recurring_event_id or event.id) in whole
    ]
    if shown:
        problems.append(f"{where}: cancelled events are listed: {shown}")
    listed_busy = merge_busy(((event.start, event.end) for event in listed), low, high)
    if busy_of(calendar_id, low, high) != listed_busy:
        problems.append(f"{where}: free/busy differs from the listed events")
    problems.extend(_double_bookings(store, where, listed))
    return problems


def _double_bookings(store: CalendarStore, where: str, listed: list[Event]) -> list[str]:
    problems: list[str] = []
    active: list[Event] = []
    for event in listed:
        active = [other for other in active if other.end > event.start]
        for other in active:
            if not (
                store.stored_for(other).allow_conflict or store.stored_for(event).allow_conflict
            ):
                problems.append(f"{where}: {other.id} and {event.id} overlap; neither may")
        active.append(event)
    return problems


def _audit_keys(store: CalendarStore, keys: KeyRecords) -> list[str]:
    problems: list[str] = []
    created_by: dict[str, str] = {}
    for key, (operation, calendar_id, event_id) in keys.items():
        try:
            event = store.lookup(calendar_id, event_id)
        except ToolRefusedError:
            problems.append(f"key {key!r} names {calendar_id}/{event_id}, which does not exist")
            continue
        if operation == "create":
            if event.idempotency_key != key:
                problems.append(
                    f"key {key!r} created {event_id}, which carries {event.idempotency_key!r}"
                )
            if event_id in created_by:
                problems.append(
                    f"{event_id} was created under two keys: {created_by[event_id]!r}, {key!r}"
                )
            created_by[event_id] = key
    for events in store.calendars.values():
        for event_id, stored in events.items():
            carried = stored.event.idempotency_key
            if carried is not None and created_by.get(event_id) != carried:
                problems.append(f"{event_id} carries key {carried!r}, which did not create it")
            try:
                again = Event.model_validate(stored.event.model_dump())
            except ValidationError as exc:
                problems.append(f"{event_id} is no longer a valid event: {exc.errors()[0]['msg']}")
                continue
            if again != stored.event:
                problems.append(f"{event_id} changes when re-validated")
    return problems


def audit_store(
    store: CalendarStore, keys: KeyRecords, low: datetime, high: datetime, busy_of: BusyOf
) -> list[str]:
    """Every violation of the sandbox's invariants within ``[low, high)``; empty when healthy."""
    problems = _audit_keys(store, keys)
    for calendar_id in store.calendars:
        problems.extend(_audit_calendar(store, calendar_id, low, high, busy_of))
    return problems
