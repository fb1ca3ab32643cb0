"""``CalendarBackend``: what the calendar tools need of a calendar service.

Two implementations follow this Protocol: ``SandboxCalendarBackend`` (in process, seeded) and
``HttpCalendarBackend`` (Google Calendar API v3 shaped REST). Both give identical results for the
same state; the contract suite in ``tests/tools/domains/calendar`` holds them to it.

Semantics every implementation keeps:

- Listings follow Google's ``singleEvents=true&orderBy=startTime``: recurring events are expanded
  into occurrences (id ``<series id>_<UTC start YYYYMMDDTHHMMSSZ>``), an event is listed when it
  ends after ``time_min`` and starts before ``time_max``, items are ordered by start then id, and
  cancelled events never appear.
- Busy intervals are merged, clipped to the window, and in UTC.
- Business refusals raise ``ToolRefusedError`` with ``reason`` one of ``invalid`` (bad input),
  ``not_found``, ``past_date``, ``conflict`` (hint: the nearest free slots) or
  ``already_cancelled``.
- Writes take an ``idempotency_key``: a repeated key returns the first result and changes
  nothing; ``find_event_by_key`` tells whether a write with that key took effect.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from plangate.tools.domains.calendar.models import (
    Event,
    EventPage,
    FreeBusy,
    FreeSlot,
    NewEvent,
    WorkingHours,
)
from plangate.tools.errors import ToolRefusedError

DEFAULT_PAGE_SIZE = 250
MAX_PAGE_SIZE = 2500


def invalid(message: str, hint: str) -> ToolRefusedError:
    """The refusal for bad input (``reason="invalid"``, served as 422)."""
    return ToolRefusedError(message, reason="invalid", hint=hint)


def check_window(time_min: datetime, time_max: datetime) -> None:
    """Refuse a naive or empty time window (``invalid``).

    Every backend checks its arguments with these functions, before any I/O, so the sandbox and
    the HTTP backend refuse bad input identically.
    """
    for name, value in (("time_min", time_min), ("time_max", time_max)):
        if value.tzinfo is None or value.utcoffset() is None:
            raise invalid(
                f"{name} {value.isoformat()} has no time zone",
                "give it an offset, e.g. 'Z' or '+01:00'",
            )
    if time_max <= time_min:
        raise invalid(
            f"time_max {time_max.isoformat()} is not after time_min {time_min.isoformat()}",
            "give a time_max later than time_min",
        )


def check_page_size(max_results: int) -> None:
    """Refuse a page size outside 1..``MAX_PAGE_SIZE`` (``invalid``)."""
    if not 1 <= max_results <= MAX_PAGE_SIZE:
        raise invalid(f"max_results {max_results} is out of range", f"use 1 to {MAX_PAGE_SIZE}")


def check_duration(duration: timedelta) -> None:
    """Refuse a duration that is not positive (``invalid``)."""
    if duration <= timedelta(0):
        raise invalid(f"duration {duration} is not positive", "ask for at least one minute")


@runtime_checkable
class CalendarBackend(Protocol):
    """A calendar service: list, free/busy, free slots, create, cancel, look up."""

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
        """One page of the events overlapping ``[time_min, time_max)``, ordered by start.

        Args:
            calendar_id: the calendar, e.g. ``"primary"``.
            time_min: events ending after this are listed.
            time_max: events starting before this are listed.
            page_token: the ``next_page_token`` of the previous page.
            max_results: page size, 1 to 2500.
            single_events: expand recurring events into occurrences (the default); ``False``
                lists each series once, with its ``recurrence`` (used by the .ics export).
        """
        ...

    async def get_event(self, calendar_id: str, event_id: str) -> Event:
        """One event or occurrence by id, cancelled ones included (with status ``cancelled``)."""
        ...

    async def free_busy(
        self, calendar_ids: Sequence[str], time_min: datetime, time_max: datetime
    ) -> FreeBusy:
        """Busy intervals of each calendar over ``[time_min, time_max)``."""
        ...

    async def find_free_slots(
        self,
        calendar_id: str,
        time_min: datetime,
        time_max: datetime,
        duration: timedelta,
        hours: WorkingHours | None = None,
    ) -> list[FreeSlot]:
        """Free windows of at least ``duration``, inside ``hours``, not in the past.

        Built on ``free_busy``; ``hours=None`` searches round the clock.
        """
        ...

    async def create_event(
        self,
        calendar_id: str,
        event: NewEvent,
        idempotency_key: str,
        *,
        allow_conflict: bool = False,
    ) -> Event:
        """Create an event (single or recurring) unless it overlaps busy time.

        Args:
            calendar_id: where to create it.
            event: what to create.
            idempotency_key: a repeated key returns the first result and creates nothing.
            allow_conflict: create it even if it overlaps other events (a double booking).
        """
        ...

    async def cancel_event(self, calendar_id: str, event_id: str, idempotency_key: str) -> Event:
        """Cancel an event, a whole series, or one occurrence; return it with status cancelled."""
        ...

    async def find_event_by_key(self, idempotency_key: str) -> Event | None:
        """The event a write with this key created or cancelled (as it stands now), if any."""
        ...
