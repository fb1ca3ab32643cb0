"""iCalendar (RFC 5545) import and export, with the ``icalendar`` package.

Export writes one VEVENT per event: ``DTSTART``/``DTEND`` with the event's ``TZID`` (and the
VTIMEZONE definitions they need), ``RRULE``/``EXDATE`` for a series, ``ATTENDEE``, ``STATUS``,
``RELATED-TO`` (an occurrence's series) and ``X-PLANGATE-IDEMPOTENCY-KEY``. Import reads them back
into equal ``Event``s; anything it cannot represent faithfully is refused with the line number,
the component and what to change, rather than guessed at:

- all-day events (``VALUE=DATE``) and floating times (no ``TZID`` and no ``Z``);
- time zones that are neither IANA names nor Windows names icalendar maps to IANA ones;
- ``RDATE`` and modified occurrences (``RECURRENCE-ID``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, vBroken, vRecur
from icalendar import Event as VEvent
from pydantic import ValidationError

from plangate.tools.clock import Clock, SystemClock
from plangate.tools.domains.calendar.backend import CalendarBackend, invalid
from plangate.tools.domains.calendar.models import Event, zone
from plangate.tools.domains.calendar.recurrence import parse_utc

PRODID = "-//plangate//calendar//EN"
KEY_PROPERTY = "X-PLANGATE-IDEMPOTENCY-KEY"
_CONTENT_LINE = re.compile(
    r'^[A-Za-z0-9-]+(?:;[A-Za-z0-9-]+=(?:"[^"]*"|[^";:]*)(?:,(?:"[^"]*"|[^";:,]*))*)*:'
)
_FIELD_PROPERTY = {
    "summary": "SUMMARY",
    "description": "DESCRIPTION",
    "location": "LOCATION",
    "timezone": "DTSTART",
    "start": "DTSTART",
    "end": "DTEND",
    "recurrence": "RRULE",
    "attendees": "ATTENDEE",
    "id": "UID",
    "status": "STATUS",
    "idempotency_key": KEY_PROPERTY,
}


def export_ics(events: Iterable[Event], *, stamp: datetime, name: str | None = None) -> str:
    """The events as an iCalendar document.

    Args:
        events: events or series (with their recurrence) to write.
        stamp: the DTSTAMP of every VEVENT: when the file was made (your clock's now).
        name: the calendar's display name (``X-WR-CALNAME``).
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(_vevent(event, stamp))
    calendar.add_missing_timezones()
    return str(calendar.to_ical().decode())


def _vevent(event: Event, stamp: datetime) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", event.id)
    vevent.add("dtstamp", stamp.astimezone(UTC))
    vevent.add("summary", event.summary)
    if event.description:
        vevent.add("description", event.description)
    if event.location:
        vevent.add("location", event.location)
    tz = zone(event.timezone)
    vevent.add("dtstart", event.start.astimezone(tz))
    vevent.add("dtend", event.end.astimezone(tz))
    for line in event.recurrence:
        head, _, body = line.partition(":")
        if head == "RRULE":
            vevent.add("rrule", vRecur.from_ical(body))
        else:
            vevent.add("exdate", [parse_utc(stamp) for stamp in body.split(",")])
    for email in event.attendees:
        vevent.add("attendee", f"mailto:{email}")
    vevent.add("status", event.status.upper())
    if event.recurring_event_id:
        vevent.add("related-to", event.recurring_event_id)
    if event.idempotency_key:
        vevent.add(KEY_PROPERTY, event.idempotency_key)
    return vevent


async def export_calendar(
    backend: CalendarBackend,
    calendar_id: str,
    time_min: datetime,
    time_max: datetime,
    *,
    clock: Clock | None = None,
) -> str:
    """Export the events and series of ``calendar_id`` that occur in ``[time_min, time_max)``."""
    events: list[Event] = []
    token: str | None = None
    while True:
        page = await backend.list_events(
            calendar_id, time_min, time_max, page_token=token, single_events=False
        )
        events.extend(page.items)
        token = page.next_page_token
        if token is None:
            break
    return export_ics(events, stamp=(clock or SystemClock()).now(), name=calendar_id)


@dataclass
class _Span:
    """Where one VEVENT sits in the text: its first line and its properties' lines."""

    begin: int
    lines: dict[str, int] = field(default_factory=dict)


def _scan(text: str) -> tuple[list[str], list[_Span]]:
    """Check every content line's shape; locate each VEVENT and its properties."""
    problems: list[str] = []
    spans: list[_Span] = []
    depth: list[str] = []
    logical: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw[:1] in (" ", "\t") and logical:
            logical[-1] = (logical[-1][0], logical[-1][1] + raw[1:])
        elif raw.strip():
            logical.append((number, raw))
    for number, line in logical:
        if not _CONTENT_LINE.match(line):
            problems.append(
                f"line {number}: {line[:60]!r} is not a content line NAME[;PARAM=...]:VALUE"
            )
            continue
        name = re.split(r"[;:]", line, maxsplit=1)[0].upper()
        value = line.split(":", 1)[1].strip().upper()
        if name == "BEGIN":
            depth.append(value)
            if value == "VEVENT":
                spans.append(_Span(number))
        elif name == "END" and depth:
            depth.pop()
        elif depth and depth[-1] == "VEVENT":
            spans[-1].lines.setdefault(name, number)
    return problems, spans


def _where(span: _Span, uid: str, prop: str | None = None) -> str:
    line = span.lines.get(prop, span.begin) if prop else span.begin
    return f"line {line}: VEVENT {uid!r}" + (f" {prop}" if prop else "")


def _instant(
    vevent: Any, prop: str, where: str, problems: list[str]
) -> tuple[datetime, str] | None:
    """A DTSTART/DTEND as (aware datetime, IANA zone), or None after recording the problem."""
    value = vevent.get(prop)
    if value is None or isinstance(value, vBroken):
        return None  # absent, or already reported from the component's parse errors
    when = vevent.decoded(prop)
    tzid = value.params.get("TZID")
    if not isinstance(when, datetime):
        kind = "a date (an all-day event)" if isinstance(when, date) else f"{when!r}"
        problems.append(
            f"{where} is {kind}: give a date-time with a TZID, "
            "e.g. DTSTART;TZID=Europe/Lisbon:20260302T093000"
        )
        return None
    if when.tzinfo is None:
        why = f"TZID {tzid!r} is not a known time zone" if tzid else "it is a floating time"
        problems.append(f"{where}: {why}: use an IANA TZID such as Europe/Lisbon, or UTC ('Z')")
        return None
    if isinstance(when.tzinfo, ZoneInfo):
        return when, when.tzinfo.key
    if tzid:
        try:
            return when, zone(str(tzid)).key
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            return None
    return when, "UTC"


def _recurrence(vevent: Any) -> list[str]:
    lines: list[str] = []
    for prop in ("RRULE", "EXDATE"):
        values = vevent.get(prop) or []
        for value in values if isinstance(values, list) else [values]:
            if prop == "RRULE":
                lines.append(f"RRULE:{value.to_ical().decode()}")
            else:
                stamps = [when.dt.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ") for when in value.dts]
                lines.append("EXDATE:" + ",".join(stamps))
    return lines


def _attendees(vevent: Any) -> list[str]:
    values = vevent.get("ATTENDEE") or []
    return [
        re.sub(r"(?i)^mailto:", "", str(v))
        for v in (values if isinstance(values, list) else [values])
    ]


def _event(vevent: Any, span: _Span, calendar_id: str, problems: list[str]) -> Event | None:
    uid = str(vevent.get("UID", "")).strip()
    if not uid:
        problems.append(f"{_where(span, '?')}: UID is missing: every VEVENT needs a unique UID")
        return None
    found = len(problems)
    for prop, msg in vevent.errors:
        problems.append(f"{_where(span, uid, prop)}: {msg}")
    for prop in ("RDATE", "RECURRENCE-ID"):
        if prop in vevent:
            problems.append(
                f"{_where(span, uid, prop)} is not supported: "
                "export the series with RRULE and EXDATE only"
            )
    start = _instant(vevent, "DTSTART", _where(span, uid, "DTSTART"), problems)
    end = _instant(vevent, "DTEND", _where(span, uid, "DTEND"), problems)
    if "DTSTART" not in vevent:
        problems.append(f"{_where(span, uid)}: DTSTART is missing")
    if end is None and "DTEND" not in vevent and start is not None:
        duration = vevent.decoded("DURATION") if "DURATION" in vevent else None
        if duration is None:
            problems.append(f"{_where(span, uid)}: neither DTEND nor DURATION is given")
        else:
            end = (start[0] + duration, start[1])
    if len(problems) > found or start is None or end is None:
        return None
    data = {
        "id": uid,
        "calendar_id": calendar_id,
        "summary": str(vevent.get("SUMMARY", "(no title)")),
        "description": str(vevent.get("DESCRIPTION", "")),
        "location": str(vevent.get("LOCATION", "")),
        "timezone": start[1],
        "start": start[0],
        "end": end[0],
        "recurrence": _recurrence(vevent),
        "attendees": _attendees(vevent),
        "status": "cancelled"
        if str(vevent.get("STATUS", "")).upper() == "CANCELLED"
        else "confirmed",
        "recurring_event_id": str(vevent["RELATED-TO"]) if "RELATED-TO" in vevent else None,
        "idempotency_key": str(vevent[KEY_PROPERTY]) if KEY_PROPERTY in vevent else None,
    }
    try:
        return Event.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            # The one rule spanning fields is "end after start": DTEND is the line to change.
            prop = _FIELD_PROPERTY.get(str(err["loc"][0])) if err["loc"] else "DTEND"
            problems.append(f"{_where(span, uid, prop)}: {err['msg']}")
        return None


def import_ics(text: str, calendar_id: str) -> list[Event]:
    """The VEVENTs of an iCalendar document, as events of ``calendar_id``.

    Raises:
        ToolRefusedError: ``invalid``, listing every problem with its line number, its VEVENT's
            UID and the property at fault.
    """
    problems, spans = _scan(text)
    if not problems:
        try:
            calendar = Calendar.from_ical(text)
        except ValueError as exc:
            problems.append(f"the text is not one iCalendar object: {str(exc).splitlines()[0]}")
        else:
            if calendar.name != "VCALENDAR":
                problems.append(f"line 1: expected BEGIN:VCALENDAR, found BEGIN:{calendar.name}")
            events: list[Event] = []
            seen: set[str] = set()
            for vevent, span in zip(calendar.walk("VEVENT"), spans, strict=True):
                event = _event(vevent, span, calendar_id, problems)
                if event is not None and event.id in seen:
                    problems.append(f"{_where(span, event.id, 'UID')}: the UID is used twice")
                elif event is not None:
                    seen.add(event.id)
                    events.append(event)
            if not problems:
                return events
    raise invalid(
        f"cannot import the .ics text ({len(problems)} problem(s)): " + "; ".join(problems),
        "fix the lines named and import again",
    )
