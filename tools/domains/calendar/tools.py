"""The calendar tools: list events, find free slots, create and cancel events.

Writes serialize per calendar (``conflict_key``: the calendar id), so two creates that could
conflict with each other never race, and each write has a reconciler that asks the backend for
the event recorded under the write's idempotency key.
"""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from plangate.tools.base import RetryPolicy, Tool, ToolContext, tool
from plangate.tools.domains.calendar.backend import CalendarBackend
from plangate.tools.domains.calendar.models import (
    AwareDatetime,
    Email,
    Event,
    EventPage,
    FreeSlot,
    NewEvent,
    TimeZoneName,
    WorkingHours,
)
from plangate.tools.errors import UsageError

_CALENDAR = Field("primary", description="Calendar id: 'primary' or a colleague's address.")
_READ_RETRY = RetryPolicy(max_attempts=3, initial_delay=0.2, max_delay=2.0)
# Writes retry too: the executor reconciles by key before anything is re-sent.
_WRITE_RETRY = RetryPolicy(max_attempts=3, initial_delay=0.5, max_delay=4.0)


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ListEventsArgs(_Args):
    """Arguments of ``list_events``."""

    calendar_id: str = _CALENDAR
    time_min: AwareDatetime = Field(description="List events ending after this (with offset).")
    time_max: AwareDatetime = Field(description="List events starting before this (with offset).")
    page_token: str | None = Field(None, description="next_page_token of the previous page.")
    max_results: int = Field(50, ge=1, le=250, description="Page size.")


class FindFreeSlotsArgs(_Args):
    """Arguments of ``find_free_slots``."""

    calendar_id: str = _CALENDAR
    time_min: AwareDatetime = Field(description="Search from (with offset).")
    time_max: AwareDatetime = Field(description="Search until (with offset).")
    duration_minutes: int = Field(ge=5, le=720, description="Length of the meeting, in minutes.")
    timezone: TimeZoneName = Field(
        description="IANA zone of the working hours, e.g. Europe/Lisbon."
    )
    day_start: time = Field(time(9, 0), description="Local start of the working day, e.g. 09:00.")
    day_end: time = Field(time(17, 0), description="Local end of the working day, e.g. 17:00.")
    include_weekends: bool = Field(False, description="Also search Saturdays and Sundays.")

    @model_validator(mode="after")
    def _window(self) -> FindFreeSlotsArgs:
        if self.time_max <= self.time_min:
            raise ValueError("time_max must be after time_min")
        if self.time_max - self.time_min > timedelta(days=62):
            raise ValueError("search at most 62 days at a time: narrow time_min..time_max")
        return self

    def hours(self) -> WorkingHours:
        """The working hours these arguments describe."""
        days = (0, 1, 2, 3, 4, 5, 6) if self.include_weekends else (0, 1, 2, 3, 4)
        return WorkingHours(
            start=self.day_start, end=self.day_end, timezone=self.timezone, weekdays=days
        )


class CreateEventArgs(_Args):
    """Arguments of ``create_event``."""

    calendar_id: str = _CALENDAR
    summary: str = Field(min_length=1, max_length=300, description="Title of the event.")
    start: AwareDatetime = Field(description="Start, with a UTC offset.")
    end: AwareDatetime = Field(description="End, with a UTC offset; after start.")
    timezone: TimeZoneName = Field(description="IANA zone the event is set in, e.g. Europe/Lisbon.")
    description: str = Field("", max_length=8000)
    location: str = Field("", max_length=500)
    attendees: tuple[Email, ...] = Field((), description="Attendees' email addresses.")
    recurrence: tuple[str, ...] = Field(
        (), description="RRULE lines for a repeating event, e.g. 'RRULE:FREQ=WEEKLY;BYDAY=MO'."
    )
    allow_conflict: bool = Field(False, description="Book even if it overlaps other events.")

    def event(self) -> NewEvent:
        """The event to create."""
        return NewEvent.model_validate(self.model_dump(exclude={"calendar_id", "allow_conflict"}))

    @model_validator(mode="after")
    def _valid_event(self) -> CreateEventArgs:
        # The event's own rules (end after start, valid RRULEs) apply to the arguments.
        try:
            self.event()
        except ValidationError as exc:
            raise ValueError("; ".join(str(err["msg"]) for err in exc.errors())) from exc
        return self


class CancelEventArgs(_Args):
    """Arguments of ``cancel_event``."""

    calendar_id: str = _CALENDAR
    event_id: str = Field(
        min_length=1, description="Id of the event, series, or single occurrence to cancel."
    )


def _key(ctx: ToolContext[CalendarBackend], tool_name: str) -> str:
    if not ctx.idempotency_key:
        raise UsageError(
            f"{tool_name} is a write and needs ctx.idempotency_key: run it through ToolExecutor"
        )
    return ctx.idempotency_key


async def _reconcile(ctx: ToolContext[CalendarBackend], key: str) -> Event | None:
    return await ctx.deps.find_event_by_key(key)


@tool(effect="read", retry=_READ_RETRY, timeout=20.0)
async def list_events(args: ListEventsArgs, ctx: ToolContext[CalendarBackend]) -> EventPage:
    """List calendar events in a time window, recurring ones expanded, ordered by start."""
    return await ctx.deps.list_events(
        args.calendar_id,
        args.time_min,
        args.time_max,
        page_token=args.page_token,
        max_results=args.max_results,
    )


@tool(effect="read", retry=_READ_RETRY, timeout=20.0)
async def find_free_slots(
    args: FindFreeSlotsArgs, ctx: ToolContext[CalendarBackend]
) -> list[FreeSlot]:
    """Find free time in a calendar, within working hours, long enough for a meeting."""
    return await ctx.deps.find_free_slots(
        args.calendar_id,
        args.time_min,
        args.time_max,
        timedelta(minutes=args.duration_minutes),
        args.hours(),
    )


@tool(
    effect="write",
    retry=_WRITE_RETRY,
    timeout=20.0,
    conflict_key=lambda args: args.calendar_id,
    reconciler=_reconcile,
    # Ids and times picked from calendar results (a free slot) are the normal case; text and
    # the people invited are shown to a person first when they came from a tool result.
    sinks={
        "calendar_id": "allow",
        "start": "allow",
        "end": "allow",
        "timezone": "allow",
        "summary": "approve",
        "description": "approve",
        "location": "approve",
        "attendees": "approve",
        "recurrence": "approve",
    },
)
async def create_event(args: CreateEventArgs, ctx: ToolContext[CalendarBackend]) -> Event:
    """Create a calendar event (optionally repeating); refused if it overlaps busy time."""
    return await ctx.deps.create_event(
        args.calendar_id,
        args.event(),
        _key(ctx, "create_event"),
        allow_conflict=args.allow_conflict,
    )


@tool(
    effect="write",
    retry=_WRITE_RETRY,
    timeout=20.0,
    conflict_key=lambda args: args.calendar_id,
    reconciler=_reconcile,
    sinks={"calendar_id": "allow", "event_id": "allow"},  # ids from list_events results
)
async def cancel_event(args: CancelEventArgs, ctx: ToolContext[CalendarBackend]) -> Event:
    """Cancel a calendar event, a whole repeating series, or one occurrence of it."""
    return await ctx.deps.cancel_event(args.calendar_id, args.event_id, _key(ctx, "cancel_event"))


TOOLS: tuple[Tool[Any], ...] = (list_events, find_free_slots, create_event, cancel_event)

__all__ = [
    "TOOLS",
    "CancelEventArgs",
    "CreateEventArgs",
    "FindFreeSlotsArgs",
    "ListEventsArgs",
    "cancel_event",
    "create_event",
    "find_free_slots",
    "list_events",
]
