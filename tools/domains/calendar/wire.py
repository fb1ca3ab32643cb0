"""The calendar API's JSON, shaped like Google Calendar API v3, and its mapping to our models.

Both sides of the REST API use this module (``routes.py`` serves it, ``http.py`` reads it), so
the wire format is defined once. Resources follow Google's field names::

    {"kind": "calendar#event", "id": "...", "status": "confirmed", "summary": "...",
     "start": {"dateTime": "2026-03-02T09:30:00Z", "timeZone": "Europe/Lisbon"},
     "end": {...}, "recurrence": ["RRULE:..."], "recurringEventId": "...",
     "attendees": [{"email": "..."}],
     "extendedProperties": {"private": {"idempotencyKey": "..."}}}

An event's ``calendar_id`` is not part of Google's event resource: it comes from the request path
(or, for the lookup by key, from the reply's ``calendarId``).
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from plangate.tools.domains.calendar.backend import invalid
from plangate.tools.domains.calendar.models import (
    AwareDatetime,
    BusyInterval,
    Event,
    EventStatus,
    FreeBusy,
    NewEvent,
)

M = TypeVar("M", bound=BaseModel)
KEY_PROPERTY = "idempotencyKey"
"""The private extended property that carries the key of the write that created an event."""


class _Wire(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)


class EventDateTime(_Wire):
    """Google's ``EventDateTime`` (date-time form only: all-day events are not modelled)."""

    date_time: AwareDatetime
    time_zone: str | None = None


class Attendee(_Wire):
    """One attendee."""

    email: str


class ExtendedProperties(_Wire):
    """Extra key/value data; we use ``private`` only."""

    private: dict[str, str] = Field(default_factory=dict)


class EventInput(_Wire):
    """The body of ``POST /calendars/{calendarId}/events``."""

    summary: str = ""
    description: str = ""
    location: str = ""
    start: EventDateTime
    end: EventDateTime
    recurrence: list[str] = Field(default_factory=list)
    attendees: list[Attendee] = Field(default_factory=list)


class EventResource(EventInput):
    """An event as the API returns it."""

    kind: Literal["calendar#event"] = "calendar#event"
    id: str
    status: EventStatus = "confirmed"
    recurring_event_id: str | None = None
    extended_properties: ExtendedProperties | None = None


class EventsPage(_Wire):
    """The reply of ``GET /calendars/{calendarId}/events``."""

    kind: Literal["calendar#events"] = "calendar#events"
    items: list[EventResource] = Field(default_factory=list)
    next_page_token: str | None = None


class CalendarId(_Wire):
    """One entry of a free/busy request's ``items``."""

    id: str


class FreeBusyRequest(_Wire):
    """The body of ``POST /freeBusy``."""

    time_min: AwareDatetime
    time_max: AwareDatetime
    items: list[CalendarId]


class BusyPeriods(_Wire):
    """One calendar's busy periods."""

    busy: list[BusyInterval] = Field(default_factory=list)


class FreeBusyReply(_Wire):
    """The reply of ``POST /freeBusy``."""

    kind: Literal["calendar#freeBusy"] = "calendar#freeBusy"
    time_min: AwareDatetime
    time_max: AwareDatetime
    calendars: dict[str, BusyPeriods]


class KeyedEvent(_Wire):
    """The reply of our extension ``GET /idempotencyKeys/{key}``."""

    calendar_id: str
    event: EventResource


def dump(model: BaseModel) -> dict[str, Any]:
    """A wire model as JSON data, with Google's field names."""
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


def event_input(event: NewEvent | Event) -> EventInput:
    """The POST body for creating ``event``."""
    return EventInput(
        summary=event.summary,
        description=event.description,
        location=event.location,
        start=EventDateTime(date_time=event.start, time_zone=event.timezone),
        end=EventDateTime(date_time=event.end, time_zone=event.timezone),
        recurrence=list(event.recurrence),
        attendees=[Attendee(email=email) for email in event.attendees],
    )


def event_resource(event: Event) -> EventResource:
    """``event`` as the API returns it."""
    body = event_input(event)
    private = {KEY_PROPERTY: event.idempotency_key} if event.idempotency_key else None
    return EventResource(
        **dict(body),
        id=event.id,
        status=event.status,
        recurring_event_id=event.recurring_event_id,
        extended_properties=ExtendedProperties(private=private) if private else None,
    )


def _fields(body: EventInput) -> dict[str, Any]:
    return {
        "summary": body.summary,
        "description": body.description,
        "location": body.location,
        "timezone": body.start.time_zone or "UTC",
        "start": body.start.date_time,
        "end": body.end.date_time,
        "recurrence": body.recurrence,
        "attendees": [attendee.email for attendee in body.attendees],
    }


def new_event(body: EventInput) -> NewEvent:
    """The event a POST body asks for.

    Raises:
        ToolRefusedError: ``invalid``, listing every bad field.
    """
    return validate(NewEvent, _fields(body), "event")


def event_from_resource(resource: EventResource, calendar_id: str) -> Event:
    """Our ``Event`` from the API's resource.

    Raises:
        ValidationError: the resource describes no valid event.
    """
    private = resource.extended_properties.private if resource.extended_properties else {}
    return Event.model_validate(
        {
            **_fields(resource),
            "id": resource.id,
            "calendar_id": calendar_id,
            "status": resource.status,
            "recurring_event_id": resource.recurring_event_id,
            "idempotency_key": private.get(KEY_PROPERTY),
        }
    )


def free_busy_reply(result: FreeBusy) -> FreeBusyReply:
    """The API's reply for a free/busy result."""
    return FreeBusyReply(
        time_min=result.time_min,
        time_max=result.time_max,
        calendars={cid: BusyPeriods(busy=list(busy)) for cid, busy in result.calendars.items()},
    )


def validate(model: type[M], data: Any, what: str) -> M:
    """Validate request data into ``model``.

    Raises:
        ToolRefusedError: ``invalid``, naming each bad field and what is wrong with it.
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(body)'}: {err['msg']}"
            for err in exc.errors()
        )
        raise invalid(f"invalid {what}: {problems}", f"fix the {what} and send it again") from exc
