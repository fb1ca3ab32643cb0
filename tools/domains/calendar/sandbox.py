"""``SandboxCalendarBackend``: a deterministic, stateful calendar service in process.

Two calendars are seeded (``primary``, in Europe/Lisbon, and a colleague's, in America/New_York)
with recurring meetings across time zones (a weekday standup in Lisbon, a biweekly call set in
New York time, a monthly review) and one-offs around the clock's time at construction.

Business rules: an event may not start in the past (``past_date``), may not overlap busy time
unless ``allow_conflict=True`` (``conflict``, hinting the nearest free slots), and a cancelled
event cannot be cancelled again (``already_cancelled``). Every operation runs through a
``plangate.tools.faults.FaultInjector``.

The sandbox's world spans ``HORIZON`` on either side of the clock's time at construction (the
*anchor*): a new recurring series is checked for conflicts up to ``anchor + HORIZON``. Within that
window ``audit()`` checks these invariants, which must hold after any sequence of operations:

1. Listing is exact: paging through a calendar yields every confirmed occurrence exactly once,
   ordered by (start, id), and nothing else.
2. Cancelled never shows: no cancelled event, occurrence of a cancelled series, or cancelled
   occurrence appears in a listing or in free/busy.
3. Free/busy is the listing: each calendar's busy intervals are its listed occurrences, merged.
4. No double booking: of any two overlapping occurrences in one calendar, at least one belongs to
   an event created with ``allow_conflict=True``.
5. Keys are exact: each idempotency key names one write and the event it touched; an event
   created under a key carries it; no event was created under two keys.
6. Every stored event is valid: it re-validates as an ``Event`` unchanged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, TypeVar

from plangate.tools.clock import Clock, SystemClock
from plangate.tools.domains.calendar._audit import audit_store
from plangate.tools.domains.calendar._seed import CALENDAR_ZONES, COLLEAGUE, PRIMARY, seed_events
from plangate.tools.domains.calendar._store import CalendarStore, Stored, page_of
from plangate.tools.domains.calendar.backend import (
    DEFAULT_PAGE_SIZE,
    check_duration,
    check_page_size,
    check_window,
    invalid,
)
from plangate.tools.domains.calendar.models import (
    BusyInterval,
    Event,
    EventPage,
    FreeBusy,
    FreeSlot,
    NewEvent,
    WorkingHours,
)
from plangate.tools.domains.calendar.recurrence import next_occurrence, occurrences, with_exdate
from plangate.tools.domains.calendar.slots import (
    describe_slots,
    free_slots,
    merge_busy,
    nearest_slots,
)
from plangate.tools.errors import ToolRefusedError
from plangate.tools.faults import NO_FAULTS, FaultInjector, FaultPlan

__all__ = ["COLLEAGUE", "HORIZON", "PRIMARY", "SERVICE", "SandboxCalendarBackend"]

T = TypeVar("T")
SERVICE = "calendar"
HORIZON = timedelta(days=90)
MAX_FREE_BUSY_CALENDARS = 50


@dataclass(frozen=True)
class _KeyRecord:
    operation: Literal["create", "cancel"]
    calendar_id: str
    event_id: str
    result: Event
    request: NewEvent | None = None  # what a create asked for, to tell a retry from a reuse


class SandboxCalendarBackend:
    """The in-process calendar service.

    Args:
        seed: seeds the calendars' contents (same seed, same events and ids).
        clock: the time source (``SystemClock`` by default; a ``FakeClock`` in tests).
        faults: the fault plan applied around every operation.
    """

    def __init__(
        self, seed: int = 0, clock: Clock | None = None, faults: FaultPlan | None = None
    ) -> None:
        self.seed = seed
        self.clock: Clock = clock or SystemClock()
        self.faults = FaultInjector(faults or NO_FAULTS, self.clock, SERVICE)
        self.anchor = self.clock.now()
        self._store = CalendarStore(tuple(CALENDAR_ZONES))
        self._keys: dict[str, _KeyRecord] = {}
        self._created = 0
        for seeded in seed_events(seed, self.anchor):
            if seeded.optional and self._first_conflict(seeded.calendar_id, seeded.event):
                continue
            self._insert(seeded.calendar_id, seeded.event, key=None, allow_conflict=False)

    # -- reads ---------------------------------------------------------------------------------

    async def list_events(
        self,
        calendar_id: str,
        time_min: datetime,
        time_max: datetime,
        *,
        page_token: str | None = None,
        max_results: int = DEFAULT_PAGE_SIZE,
        single_events: bool = True,
    ) -> EventPage:
        def run() -> EventPage:
            check_window(time_min, time_max)
            check_page_size(max_results)
            items = self._store.listed(calendar_id, time_min, time_max, single_events=single_events)
            return page_of(
                items,
                calendar_id=calendar_id,
                time_min=time_min,
                time_max=time_max,
                single_events=single_events,
                page_token=page_token,
                max_results=max_results,
            )

        key = f"{calendar_id}|{time_min}|{time_max}|{page_token}|{max_results}|{single_events}"
        return await self._read("list_events", key, run)

    async def get_event(self, calendar_id: str, event_id: str) -> Event:
        return await self._read(
            "get_event",
            f"{calendar_id}|{event_id}",
            lambda: self._store.lookup(calendar_id, event_id),
        )

    async def free_busy(
        self, calendar_ids: Sequence[str], time_min: datetime, time_max: datetime
    ) -> FreeBusy:
        key = f"{','.join(calendar_ids)}|{time_min}|{time_max}"
        return await self._read(
            "free_busy", key, lambda: self._free_busy(calendar_ids, time_min, time_max)
        )

    async def find_free_slots(
        self,
        calendar_id: str,
        time_min: datetime,
        time_max: datetime,
        duration: timedelta,
        hours: WorkingHours | None = None,
    ) -> list[FreeSlot]:
        def run() -> list[FreeSlot]:
            check_duration(duration)
            busy = self._free_busy([calendar_id], time_min, time_max).calendars[calendar_id]
            return free_slots(
                busy, time_min, time_max, duration, hours, not_before=self.clock.now()
            )

        key = f"{calendar_id}|{time_min}|{time_max}|{duration}|{hours}"
        return await self._read("find_free_slots", key, run)

    async def find_event_by_key(self, idempotency_key: str) -> Event | None:
        def run() -> Event | None:
            record = self._keys.get(idempotency_key)
            return (
                None if record is None else self._store.lookup(record.calendar_id, record.event_id)
            )

        return await self._read("find_event_by_key", idempotency_key, run)

    # -- writes --------------------------------------------------------------------------------

    async def create_event(
        self,
        calendar_id: str,
        event: NewEvent,
        idempotency_key: str,
        *,
        allow_conflict: bool = False,
    ) -> Event:
        """Create an event; refused with ``past_date``, ``conflict`` or ``not_found``.

        A recurring event conflicts if any of its occurrences up to ``anchor + HORIZON`` does.
        """

        def run() -> Event:
            replayed = self._replay(idempotency_key, "create", calendar_id, event)
            if replayed is not None:
                return replayed
            self._store.calendar(calendar_id)
            now = self.clock.now()
            if event.start < now:
                raise ToolRefusedError(
                    f"'{event.summary}' would start at {event.start.isoformat()}, in the past "
                    f"(now is {now.isoformat()})",
                    reason="past_date",
                    hint="choose a start time in the future",
                )
            if not allow_conflict:
                self._refuse_conflict(calendar_id, event)
            created = self._insert(calendar_id, event, idempotency_key, allow_conflict)
            self._keys[idempotency_key] = _KeyRecord(
                "create", calendar_id, created.id, created, request=event
            )
            return created

        return await self._write("create_event", idempotency_key, run)

    async def cancel_event(self, calendar_id: str, event_id: str, idempotency_key: str) -> Event:
        """Cancel an event, a series, or one occurrence (recorded as an EXDATE of its series).

        Refused with ``not_found``, ``already_cancelled``, or ``past_date`` when it has ended.
        """

        def run() -> Event:
            replayed = self._replay(idempotency_key, "cancel", calendar_id, event_id)
            if replayed is not None:
                return replayed
            target = self._store.lookup(calendar_id, event_id)
            if target.status == "cancelled":
                raise ToolRefusedError(
                    f"event {event_id!r} is already cancelled",
                    reason="already_cancelled",
                    hint="nothing to do: cancelled events no longer appear in listings",
                )
            now = self.clock.now()
            if next_occurrence(target.recurrence, target.start, target.duration, now) is None:
                raise ToolRefusedError(
                    f"event {event_id!r} ('{target.summary}') is over: it ended by "
                    f"{now.isoformat()}",
                    reason="past_date",
                    hint="only events that have not ended yet can be cancelled",
                )
            stored = self._store.stored_for(target)
            if target.recurring_event_id is not None:
                series = stored.event
                stored.event = series.model_copy(
                    update={"recurrence": with_exdate(series.recurrence, target.start)}
                )
            else:
                stored.event = target.model_copy(update={"status": "cancelled"})
            result = target.model_copy(update={"status": "cancelled"})
            self._keys[idempotency_key] = _KeyRecord("cancel", calendar_id, result.id, result)
            return result

        return await self._write("cancel_event", idempotency_key, run)

    # -- internals -----------------------------------------------------------------------------

    async def _read(self, operation: str, key: str, run: Callable[[], T]) -> T:
        async def action() -> T:
            return run()

        return await self.faults.run(operation, key, "read", action)

    async def _write(self, operation: str, key: str, run: Callable[[], T]) -> T:
        if not key:
            raise invalid(
                f"{operation} needs an idempotency key", "pass a non-empty idempotency_key"
            )

        async def action() -> T:
            return run()

        return await self.faults.run(operation, key, "write", action)

    def _replay(
        self,
        key: str,
        operation: Literal["create", "cancel"],
        calendar_id: str,
        target: NewEvent | str,
    ) -> Event | None:
        """The first result of a repeated write; a key reused for a different write is refused
        with ``idempotency_key_reused`` (HTTP 409)."""
        record = self._keys.get(key)
        if record is None:
            return None
        asked = record.request if operation == "create" else record.event_id
        if (record.operation, record.calendar_id, asked) != (operation, calendar_id, target):
            raise ToolRefusedError(
                f"idempotency key {key!r} was already used to {record.operation} event "
                f"{record.event_id!r} in calendar {record.calendar_id!r}",
                reason="idempotency_key_reused",
                hint="use a fresh idempotency key for a different write",
            )
        return record.result

    def _free_busy(
        self, calendar_ids: Sequence[str], time_min: datetime, time_max: datetime
    ) -> FreeBusy:
        check_window(time_min, time_max)
        wanted = list(dict.fromkeys(calendar_ids))
        if not wanted or len(wanted) > MAX_FREE_BUSY_CALENDARS:
            raise invalid(
                f"free/busy asked for {len(wanted)} calendars",
                f"ask for 1 to {MAX_FREE_BUSY_CALENDARS}",
            )
        calendars = {
            cid: merge_busy(
                (
                    (e.start, e.end)
                    for e in self._store.listed(cid, time_min, time_max, single_events=True)
                ),
                time_min,
                time_max,
            )
            for cid in wanted
        }
        return FreeBusy(time_min=time_min, time_max=time_max, calendars=calendars)

    def _insert(
        self, calendar_id: str, event: NewEvent, key: str | None, allow_conflict: bool
    ) -> Event:
        self._created += 1
        event_id = hashlib.sha256(f"calendar:{self.seed}:{self._created}".encode()).hexdigest()[:20]
        stored = Event.model_validate(
            {
                **event.model_dump(),
                "id": event_id,
                "calendar_id": calendar_id,
                "idempotency_key": key,
            }
        )
        self._store.calendar(calendar_id)[event_id] = Stored(stored, allow_conflict)
        return stored

    def _first_conflict(self, calendar_id: str, event: NewEvent) -> tuple[datetime, Event] | None:
        """The first occurrence of ``event`` that overlaps an existing one, with that one."""
        horizon = max(self.anchor + HORIZON, event.end)
        starts = occurrences(event.recurrence, event.start, event.duration, event.start, horizon)
        if not starts:
            return None
        existing = self._store.listed(
            calendar_id, starts[0], starts[-1] + event.duration, single_events=True
        )
        for start in starts:
            begins = start.astimezone(UTC)
            for other in existing:
                if other.start < begins + event.duration and other.end > begins:
                    return start, other
        return None

    def _refuse_conflict(self, calendar_id: str, event: NewEvent) -> None:
        clash = self._first_conflict(calendar_id, event)
        if clash is None:
            return
        start, other = clash
        window = (start - timedelta(days=2), start + timedelta(days=2) + event.duration)
        busy = self._free_busy([calendar_id], *window).calendars[calendar_id]
        nearest = nearest_slots(
            busy, start, event.duration, not_before=self.clock.now(), timezone=event.timezone
        )
        options = (
            f"nearest free times: {describe_slots(nearest)}"
            if nearest
            else "no free time within two days"
        )
        raise ToolRefusedError(
            f"'{event.summary}' at {start.isoformat()} overlaps '{other.summary}' "
            f"({other.start.isoformat()} to {other.end.isoformat()}) in calendar {calendar_id!r}",
            reason="conflict",
            hint=f"{options}; or pass allow_conflict=true to double-book",
        )

    def audit(self) -> list[str]:
        """Check the invariants in this module's docstring; return each violation found.

        Runs outside the fault plan: it inspects state, it is not an operation.
        """

        def busy_of(calendar_id: str, low: datetime, high: datetime) -> tuple[BusyInterval, ...]:
            return self._free_busy([calendar_id], low, high).calendars[calendar_id]

        keys = {key: (r.operation, r.calendar_id, r.event_id) for key, r in self._keys.items()}
        return audit_store(self._store, keys, self.anchor - HORIZON, self.anchor + HORIZON, busy_of)
