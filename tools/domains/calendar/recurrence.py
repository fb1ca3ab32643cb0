"""Recurrence rules: validating ``RRULE``/``EXDATE`` lines and expanding them into occurrences.

An event's ``recurrence`` holds the lines Google Calendar and RFC 5545 use::

    RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260601T000000Z
    EXDATE:20260309T093000Z,20260316T093000Z

Lines are stored in one canonical spelling (the RRULE's parts in icalendar's order, EXDATEs merged
into one sorted UTC line last), so an event compares equal after a trip through HTTP or an .ics
file. Expansion runs in the event's own time zone: a weekly 09:30 meeting in Europe/Lisbon stays at
09:30 local time across daylight-saving changes, as calendar users expect.

As in ``dateutil`` (which does the expansion), DTSTART is an occurrence only if the rule matches it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from dateutil.rrule import rrule, rruleset, rrulestr
from icalendar import vRecur

_UTC_STAMP = "%Y%m%dT%H%M%SZ"
_STAMP_RE = re.compile(r"^\d{8}T\d{6}Z$")
_PROBE_START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
MAX_LINES = 10


def format_utc(instant: datetime) -> str:
    """``instant`` as a basic-format UTC stamp, e.g. ``20260302T093000Z``."""
    return instant.astimezone(UTC).strftime(_UTC_STAMP)


def parse_utc(stamp: str) -> datetime:
    """Parse a ``YYYYMMDDTHHMMSSZ`` stamp.

    Raises:
        ValueError: naming the stamp and the format expected.
    """
    if not _STAMP_RE.match(stamp):
        raise ValueError(f"{stamp!r} is not a UTC stamp: write it as YYYYMMDDTHHMMSSZ")
    return datetime.strptime(stamp, _UTC_STAMP).replace(tzinfo=UTC)


def _canonical_rrule(line: str) -> str:
    body = line.split(":", 1)[1].strip()
    try:
        canonical = vRecur.from_ical(body).to_ical().decode()
        rrulestr(f"RRULE:{canonical}", dtstart=_PROBE_START)
    except (ValueError, TypeError) as exc:
        # dateutil reports a missing FREQ as a TypeError about a missing argument.
        detail = "FREQ is required" if isinstance(exc, TypeError) else str(exc)
        raise ValueError(
            f"recurrence line {line!r} is not a valid RRULE ({detail}): write e.g. "
            "'RRULE:FREQ=WEEKLY;BYDAY=MO', with any UNTIL in UTC such as 20260601T000000Z"
        ) from exc
    return f"RRULE:{canonical}"


def canonical_recurrence(lines: Sequence[str]) -> tuple[str, ...]:
    """Validate recurrence lines and return them in canonical form.

    Raises:
        ValueError: naming the offending line and how to write it.
    """
    if len(lines) > MAX_LINES:
        raise ValueError(f"recurrence has {len(lines)} lines; at most {MAX_LINES} are allowed")
    rules: list[str] = []
    excluded: set[datetime] = set()
    for line in lines:
        head = line.strip().split(":", 1)[0].upper()
        if head == "RRULE" and ":" in line:
            rule = _canonical_rrule(line)
            if rule not in rules:
                rules.append(rule)
        elif head == "EXDATE" and ":" in line:
            stamps = line.split(":", 1)[1].strip().split(",")
            try:
                excluded.update(parse_utc(stamp.strip()) for stamp in stamps)
            except ValueError as exc:
                raise ValueError(f"recurrence line {line!r}: {exc}") from exc
        else:
            raise ValueError(
                f"recurrence line {line!r} is not supported: use 'RRULE:...' or "
                "'EXDATE:YYYYMMDDTHHMMSSZ[,...]'"
            )
    if excluded and not rules:
        raise ValueError("recurrence has EXDATE lines but no RRULE: add the rule they except from")
    if excluded:
        rules.append("EXDATE:" + ",".join(format_utc(when) for when in sorted(excluded)))
    return tuple(rules)


def with_exdate(lines: Sequence[str], instant: datetime) -> tuple[str, ...]:
    """``lines`` with ``instant`` added to the excluded occurrences."""
    return canonical_recurrence([*lines, f"EXDATE:{format_utc(instant)}"])


def _ruleset(lines: tuple[str, ...], dtstart: datetime, *, honour_exdates: bool) -> rruleset:
    # Aware datetimes hash by instant, so the zone joins the cache key: 09:30 Lisbon and
    # 09:30 UTC are the same instant in winter but expand differently after a DST change.
    return _cached_ruleset(lines, dtstart, str(dtstart.tzinfo), honour_exdates)


@lru_cache(maxsize=1024)
def _cached_ruleset(
    lines: tuple[str, ...], dtstart: datetime, zone_key: str, honour_exdates: bool
) -> rruleset:
    rules = rruleset(cache=True)
    for line in lines:
        if line.startswith("RRULE:"):
            parsed: rrule = rrulestr(line, dtstart=dtstart)
            rules.rrule(parsed)
        elif honour_exdates:
            for stamp in line.split(":", 1)[1].split(","):
                rules.exdate(parse_utc(stamp))
    return rules


def occurrences(
    lines: tuple[str, ...],
    start: datetime,
    duration: timedelta,
    time_min: datetime,
    time_max: datetime,
    *,
    honour_exdates: bool = True,
) -> list[datetime]:
    """Starts of the occurrences that overlap ``[time_min, time_max)``, in order.

    An occurrence overlaps when it starts before ``time_max`` and ends after ``time_min``
    (Google's ``timeMin``/``timeMax`` semantics). ``lines`` empty means a single event.
    """
    if not lines:
        return [start] if _overlaps(start, duration, time_min, time_max) else []
    rules = _ruleset(lines, start, honour_exdates=honour_exdates)
    found: list[datetime] = rules.between(time_min - duration, time_max, inc=True)
    return [when for when in found if _overlaps(when, duration, time_min, time_max)]


def _overlaps(start: datetime, duration: timedelta, time_min: datetime, time_max: datetime) -> bool:
    # Elapsed-time arithmetic in UTC: adding to a zoned datetime adds wall-clock time.
    begins = start.astimezone(UTC)
    return begins < time_max and begins + duration > time_min


def next_occurrence(
    lines: tuple[str, ...], start: datetime, duration: timedelta, ends_after: datetime
) -> datetime | None:
    """Start of the first occurrence that ends after ``ends_after``, if any."""
    if not lines:
        return start if start.astimezone(UTC) + duration > ends_after else None
    found: datetime | None = _ruleset(lines, start, honour_exdates=True).after(
        ends_after - duration, inc=False
    )
    return found


def is_occurrence(lines: tuple[str, ...], start: datetime, instant: datetime) -> bool:
    """True when the rules (ignoring EXDATEs) produce an occurrence at ``instant``."""
    rules = _ruleset(lines, start, honour_exdates=False)
    found: datetime | None = rules.after(instant, inc=True)
    return found is not None and found == instant
