"""Calendar models: events, busy intervals, free slots and working hours, with real validation.

- Instants must be timezone-aware: a naive datetime is refused with a message saying how to fix
  it, because "09:00" means nothing until we know where.
- Time zones are IANA names, checked against the zoneinfo database.
- An event's ``start`` and ``end`` are converted into the event's own ``timezone``, and busy
  intervals into UTC, so a model compares and serializes identically whether it came from the
  sandbox, over HTTP or out of an .ics file.
- Recurrence lines are validated and stored canonically (see
  ``plangate.tools.domains.calendar.recurrence``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from plangate.tools.domains.calendar.recurrence import canonical_recurrence

EventStatus = Literal["confirmed", "cancelled"]
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def require_aware(value: datetime) -> datetime:
    """Return ``value`` if it is timezone-aware.

    Raises:
        ValueError: the datetime is naive; the message says how to give a zone.
    """
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{value.isoformat()} has no time zone: give an offset such as "
            f"'{value.isoformat()}+01:00' or '{value.isoformat()}Z', or a timezone-aware datetime"
        )
    return value


def zone(name: str) -> ZoneInfo:
    """The ``ZoneInfo`` of an IANA time zone name.

    Raises:
        ValueError: the name is not in the IANA database.
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown time zone {name!r}: use an IANA name such as 'Europe/Lisbon', "
            "'America/New_York' or 'UTC'"
        ) from exc


def _check_zone(name: str) -> str:
    zone(name)
    return name


def _check_email(value: str) -> str:
    if not _EMAIL_RE.match(value):
        raise ValueError(f"{value!r} is not an email address: write it as name@example.com")
    return value.lower()


AwareDatetime = Annotated[datetime, AfterValidator(require_aware)]
"""A datetime that must carry a time zone."""

TimeZoneName = Annotated[str, AfterValidator(_check_zone)]
"""An IANA time zone name, e.g. ``Europe/Lisbon``."""

Email = Annotated[str, AfterValidator(_check_email)]
"""An email address, lower-cased."""


class _Timed(BaseModel):
    """Fields every event has; ``start``/``end`` are converted into ``timezone``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    summary: str = Field(min_length=1, max_length=300, description="Title of the event.")
    description: str = Field("", max_length=8000, description="Free-text details.")
    location: str = Field("", max_length=500, description="Where it happens.")
    timezone: TimeZoneName = Field(description="IANA time zone of the event, e.g. Europe/Lisbon.")
    start: AwareDatetime = Field(description="Start, with a UTC offset.")
    end: AwareDatetime = Field(description="End (exclusive), with a UTC offset; after start.")
    recurrence: tuple[str, ...] = Field(
        (), description="RRULE/EXDATE lines, e.g. 'RRULE:FREQ=WEEKLY;BYDAY=MO'."
    )
    attendees: tuple[Email, ...] = Field((), description="Attendees' email addresses.")

    @field_validator("start", "end")
    @classmethod
    def _in_own_zone(cls, value: datetime, info: ValidationInfo) -> datetime:
        name = info.data.get("timezone")
        return value.astimezone(zone(name)) if isinstance(name, str) else value

    @field_validator("recurrence")
    @classmethod
    def _canonical(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return canonical_recurrence(value)

    @model_validator(mode="after")
    def _ends_after_start(self) -> _Timed:
        # Compared in UTC: aware datetimes sharing a tzinfo compare by wall time, which is
        # wrong across a DST change.
        if self.end.astimezone(UTC) <= self.start.astimezone(UTC):
            raise ValueError(
                f"end {self.end.isoformat()} is not after start {self.start.isoformat()}: "
                "give an end later than the start"
            )
        return self

    @property
    def duration(self) -> timedelta:
        """How long one occurrence lasts (elapsed time, not wall-clock difference)."""
        return self.end.astimezone(UTC) - self.start.astimezone(UTC)

    @property
    def is_recurring(self) -> bool:
        """True when the event repeats."""
        return bool(self.recurrence)


class NewEvent(_Timed):
    """An event to create: what the caller decides (the calendar assigns id and status)."""


class Event(_Timed):
    """An event as the calendar holds it: a single event, a recurring series, or one occurrence.

    Attributes:
        id: the event's id; an occurrence's id is ``<series id>_<UTC start YYYYMMDDTHHMMSSZ>``.
        calendar_id: the calendar holding it.
        status: ``confirmed`` or ``cancelled`` (cancelled events are never listed).
        recurring_event_id: for an occurrence, the id of its series.
        idempotency_key: the key of the write that created it, if any.
    """

    id: str = Field(min_length=1, max_length=1024)
    calendar_id: str = Field(min_length=1, max_length=254)
    status: EventStatus = "confirmed"
    recurring_event_id: str | None = None
    idempotency_key: str | None = None


class EventPage(BaseModel):
    """One page of a listing, ordered by start then id.

    Attributes:
        items: the events on this page.
        next_page_token: pass it back to get the next page; ``None`` on the last page.
    """

    model_config = ConfigDict(frozen=True)

    items: tuple[Event, ...] = ()
    next_page_token: str | None = None


class BusyInterval(BaseModel):
    """A time during which a calendar is busy, in UTC."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: AwareDatetime
    end: AwareDatetime

    @model_validator(mode="after")
    def _ends_after_start(self) -> BusyInterval:
        if self.end <= self.start:
            raise ValueError(
                f"end {self.end.isoformat()} is not after start {self.start.isoformat()}"
            )
        return self

    @field_validator("start", "end")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)


class FreeSlot(BaseModel):
    """A free window at least as long as the duration asked for, expressed in ``timezone``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # ``timezone`` comes first so start/end can be converted into it as they validate.
    timezone: TimeZoneName = "UTC"
    start: AwareDatetime
    end: AwareDatetime

    @field_validator("start", "end")
    @classmethod
    def _in_zone(cls, value: datetime, info: ValidationInfo) -> datetime:
        name = info.data.get("timezone")
        return value.astimezone(zone(name)) if isinstance(name, str) else value

    @model_validator(mode="after")
    def _ends_after_start(self) -> FreeSlot:
        if self.end <= self.start:
            raise ValueError(
                f"end {self.end.isoformat()} is not after start {self.start.isoformat()}"
            )
        return self


class FreeBusy(BaseModel):
    """Busy intervals per calendar over ``[time_min, time_max)``, merged and clipped."""

    model_config = ConfigDict(frozen=True)

    time_min: AwareDatetime
    time_max: AwareDatetime
    calendars: dict[str, tuple[BusyInterval, ...]]

    @field_validator("time_min", "time_max")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)


class WorkingHours(BaseModel):
    """When meetings may be placed: local wall-clock hours on some weekdays, in a time zone."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: time = Field(time(9, 0), description="Local start of the working day, e.g. 09:00.")
    end: time = Field(time(17, 0), description="Local end of the working day, e.g. 17:00.")
    timezone: TimeZoneName = Field("UTC", description="IANA time zone of the hours.")
    weekdays: tuple[int, ...] = Field(
        (0, 1, 2, 3, 4), description="Working weekdays, 0 = Monday ... 6 = Sunday."
    )

    @model_validator(mode="after")
    def _sane(self) -> WorkingHours:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("working hours are local wall-clock times: drop their UTC offset")
        if self.end <= self.start:
            raise ValueError(f"working hours end {self.end} is not after start {self.start}")
        if not self.weekdays or any(not 0 <= day <= 6 for day in self.weekdays):
            raise ValueError(f"weekdays {self.weekdays} must be 0 (Monday) to 6 (Sunday)")
        return self
