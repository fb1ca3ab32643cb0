"""The sandbox's state: events by calendar, their occurrences, listings and busy time.

Pure state and queries, no clock and no business rules (those live in ``sandbox.py``), so the
sandbox's operations and its audit read the same data the same way.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from plangate.tools.domains.calendar.models import Event, EventPage, zone
from plangate.tools.domains.calendar.recurrence import (
    format_utc,
    is_occurrence,
    occurrences,
    parse_utc,
)
from plangate.tools.errors import ToolRefusedError


@dataclass
class Stored:
    """An event (single or series) as the sandbox keeps it.

    Attributes:
        event: the event; a series' cancelled occurrences are EXDATE lines of its recurrence.
        allow_conflict: it was created with ``allow_conflict=True`` (it may double-book).
    """

    event: Event
    allow_conflict: bool = False


def sort_key(event: Event) -> tuple[datetime, str]:
    """Listing order: start instant, then id."""
    return event.start.astimezone(UTC), event.id


def occurrence(series: Event, start: datetime, status: str = "confirmed") -> Event:
    """The occurrence of ``series`` starting at ``start``."""
    tz = zone(series.timezone)
    begins = start.astimezone(UTC)
    return series.model_copy(
        update={
            "id": f"{series.id}_{format_utc(begins)}",
            "start": begins.astimezone(tz),
            "end": (begins + series.duration).astimezone(tz),
            "recurrence": (),
            "recurring_event_id": series.id,
            "status": status,
        }
    )


def expand(event: Event, time_min: datetime, time_max: datetime) -> list[Event]:
    """``event``'s occurrences overlapping ``[time_min, time_max)`` (itself if single)."""
    if not event.recurrence:
        hit = occurrences((), event.start, event.duration, time_min, time_max)
        return [event] if hit else []
    return list(_expand_series(event, time_min, time_max))


@lru_cache(maxsize=2048)
def _expand_series(event: Event, time_min: datetime, time_max: datetime) -> tuple[Event, ...]:
    # Events are frozen values (a change stores a new Event), so equal arguments always give
    # equal occurrences; the audit and the listings expand the same series again and again.
    starts = occurrences(event.recurrence, event.start, event.duration, time_min, time_max)
    return tuple(occurrence(event, start) for start in starts)


def _refuse_invalid(message: str, hint: str) -> ToolRefusedError:
    return ToolRefusedError(message, reason="invalid", hint=hint)


class CalendarStore:
    """Calendars of stored events, and the queries over them.

    Args:
        calendar_ids: the calendars that exist.
    """

    def __init__(self, calendar_ids: tuple[str, ...]) -> None:
        self.calendars: dict[str, dict[str, Stored]] = {cid: {} for cid in calendar_ids}

    def calendar(self, calendar_id: str) -> dict[str, Stored]:
        """The events of ``calendar_id``.

        Raises:
            ToolRefusedError: ``not_found``, listing the calendars that exist.
        """
        try:
            return self.calendars[calendar_id]
        except KeyError:
            known = ", ".join(self.calendars)
            raise ToolRefusedError(
                f"calendar {calendar_id!r} does not exist",
                reason="not_found",
                hint=f"use one of: {known}",
            ) from None

    def stored_for(self, event: Event) -> Stored:
        """The stored event (series for an occurrence) behind ``event``."""
        return self.calendars[event.calendar_id][event.recurring_event_id or event.id]

    def lookup(self, calendar_id: str, event_id: str) -> Event:
        """An event or an occurrence by id, cancelled ones included.

        Raises:
            ToolRefusedError: ``not_found`` when there is no such event or occurrence.
        """
        events = self.calendar(calendar_id)
        if event_id in events:
            return events[event_id].event
        series_id, _, stamp = event_id.rpartition("_")
        stored = events.get(series_id)
        if stored is not None and stored.event.is_recurring:
            try:
                start = parse_utc(stamp)
            except ValueError:
                start = None
            series = stored.event
            if start is not None and is_occurrence(series.recurrence, series.start, start):
                live = occurrences(
                    series.recurrence, series.start, series.duration, start, start + series.duration
                )
                confirmed = series.status == "confirmed" and start in live
                return occurrence(series, start, "confirmed" if confirmed else "cancelled")
        raise ToolRefusedError(
            f"event {event_id!r} does not exist in calendar {calendar_id!r}",
            reason="not_found",
            hint="list the calendar's events to find the id",
        )

    def listed(
        self, calendar_id: str, time_min: datetime, time_max: datetime, *, single_events: bool
    ) -> list[Event]:
        """Every confirmed event in the window, expanded or not, in listing order."""
        items: list[Event] = []
        for stored in self.calendar(calendar_id).values():
            event = stored.event
            if event.status != "confirmed":
                continue
            found = expand(event, time_min, time_max)
            if found:
                items.extend(found if single_events else [event])
        return sorted(items, key=sort_key)


def _fingerprint(calendar_id: str, time_min: datetime, time_max: datetime, single: bool) -> str:
    text = f"{calendar_id}|{format_utc(time_min)}|{format_utc(time_max)}|{single}"
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def page_of(
    items: list[Event],
    *,
    calendar_id: str,
    time_min: datetime,
    time_max: datetime,
    single_events: bool,
    page_token: str | None,
    max_results: int,
) -> EventPage:
    """One page of ``items`` (in listing order) after ``page_token``.

    The token names the last item served (its start and id) rather than an offset, so events
    created or cancelled between pages neither repeat nor skip the others.

    Raises:
        ToolRefusedError: ``invalid`` when the token does not belong to this listing.
    """
    fingerprint = _fingerprint(calendar_id, time_min, time_max, single_events)
    if page_token:
        after = _decode(page_token, fingerprint)
        items = [item for item in items if sort_key(item) > after]
    page = items[:max_results]
    token = None
    if len(items) > max_results:
        last = page[-1]
        raw = f"{fingerprint}|{last.start.astimezone(UTC).isoformat()}|{last.id}"
        token = base64.urlsafe_b64encode(raw.encode()).decode()
    return EventPage(items=tuple(page), next_page_token=token)


def _decode(token: str, fingerprint: str) -> tuple[datetime, str]:
    try:
        owner, start, event_id = base64.urlsafe_b64decode(token.encode()).decode().split("|", 2)
        when = datetime.fromisoformat(start)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        owner, when, event_id = "", datetime.min.replace(tzinfo=UTC), ""
    if owner != fingerprint:
        raise _refuse_invalid(
            f"page_token {token[:40]!r} does not belong to this listing",
            "pass the next_page_token of the previous page with the same calendar, time window "
            "and single_events, or start again without page_token",
        )
    return when, event_id
