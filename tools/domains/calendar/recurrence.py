"""Recurrence rules: validating ``RRULE``/``EXDATE`` lines and expanding them into occurrences.

An event's ``recurrence`` holds the lines Google Calendar and RFC 5545 use::

    RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260601T000000Z
    EXDATE:20260309T093000Z,20260316T093000Z

Lines are stored in one canonical spelling (the RRULE's parts in icalendar's order, EXDATEs merged
into one sorted UTC line last), so an event compares equal after a trip through HTTP or an .ics
file. Expansion runs in the event's own time zone: a weekly 09:30 meeting in Europe/Lisbon stays at
09:30 local time across daylight-saving changes, as calendar users expect.

As in ``dateutil`` (which does the expansion), DTSTART is an occurrence only if the rule matches it.

Expansion costs what the window holds, not how far it lies from DTSTART: before expanding, each
rule's DTSTART is moved forward by whole periods of the rule (``_skip_ahead``), so a window in year
9999 of a series begun in 2026 is as quick as one next week. A window holding more than
``MAX_OCCURRENCES`` occurrences of one series is refused rather than expanded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import MAXYEAR, UTC, datetime, timedelta
from functools import lru_cache

from dateutil.rrule import (
    DAILY,
    HOURLY,
    MINUTELY,
    SECONDLY,
    WEEKLY,
    rrule,
    rruleset,
    rrulestr,
)
from icalendar import vRecur

from plangate.tools.errors import ToolRefusedError

_UTC_STAMP = "%Y%m%dT%H%M%SZ"
_STAMP_RE = re.compile(r"^\d{8}T\d{6}Z$")
_PROBE_START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
MAX_LINES = 10
MAX_OCCURRENCES = 10_000
"""The most occurrences of one series a single window may hold."""
_CYCLE_YEARS = 400
# The Gregorian calendar repeats exactly every 400 years (146097 days, 20871 weeks): dates,
# weekdays and leap days fall the same, so a rule's occurrences do too.
_STEPS = {
    DAILY: timedelta(days=1),
    WEEKLY: timedelta(weeks=1),
    HOURLY: timedelta(hours=1),
    MINUTELY: timedelta(minutes=1),
    SECONDLY: timedelta(seconds=1),
}


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


def _ruleset(
    lines: tuple[str, ...], dtstart: datetime, *, honour_exdates: bool, skip_to: datetime | None
) -> rruleset:
    """The rules of ``lines`` from ``dtstart``, each skipped ahead to just before ``skip_to``."""
    # Aware datetimes hash by instant, so the zone joins the cache key: 09:30 Lisbon and
    # 09:30 UTC are the same instant in winter but expand differently after a DST change.
    parsed, excluded = _parsed(lines, dtstart, str(dtstart.tzinfo))
    rules = rruleset(cache=False)
    for rule in parsed:
        rules.rrule(rule if skip_to is None else _skip_ahead(rule, dtstart, skip_to))
    if honour_exdates:
        for when in excluded:
            rules.exdate(when)
    return rules


@lru_cache(maxsize=1024)
def _parsed(
    lines: tuple[str, ...], dtstart: datetime, zone_key: str
) -> tuple[tuple[rrule, ...], tuple[datetime, ...]]:
    rules: list[rrule] = []
    excluded: list[datetime] = []
    for line in lines:
        if line.startswith("RRULE:"):
            rules.append(rrulestr(line, dtstart=dtstart))
        else:
            excluded.extend(parse_utc(stamp) for stamp in line.split(":", 1)[1].split(","))
    return tuple(rules), tuple(excluded)


def _skip_ahead(rule: rrule, dtstart: datetime, before: datetime) -> rrule:
    """``rule`` with DTSTART moved forward by whole periods, to at least a day before ``before``.

    The moved rule yields the same occurrences from ``before`` on: the shift is a whole number
    of the rule's intervals, in wall-clock time, and for monthly and yearly rules a whole number
    of 400-year cycles, so weekdays, month lengths and leap days line up as before. A rule with
    a COUNT is left alone (its occurrences are counted from the first).
    """
    if rule._count is not None:  # dateutil keeps its parts private
        return rule
    interval: int = rule._interval
    wall = dtstart.replace(tzinfo=None)
    target = before.astimezone(dtstart.tzinfo).replace(tzinfo=None) - timedelta(days=1)
    if target <= wall:
        return rule
    step = _STEPS.get(rule._freq)
    if step is None:  # MONTHLY or YEARLY
        cycle = _CYCLE_YEARS * interval
        cycles = min((target.year - wall.year) // cycle, (MAXYEAR - wall.year) // cycle)
        if cycles <= 0:
            return rule
        moved = dtstart.replace(year=dtstart.year + cycles * cycle)
    else:
        period = step * interval
        moved = (wall + period * ((target - wall) // period)).replace(tzinfo=dtstart.tzinfo)
    return rule.replace(dtstart=moved)


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

    Raises:
        ToolRefusedError: ``invalid`` when the window holds more than ``MAX_OCCURRENCES``
            occurrences of the series.
        OverflowError: the window reaches past year 9999 or before year 1.
    """
    if not lines:
        return [start] if _overlaps(start, duration, time_min, time_max) else []
    earliest = time_min - duration
    rules = _ruleset(lines, start, honour_exdates=honour_exdates, skip_to=earliest)
    found: list[datetime] = []
    for when in rules.xafter(earliest, inc=True):
        if when > time_max:
            break
        if len(found) == MAX_OCCURRENCES:
            raise ToolRefusedError(
                f"the window {time_min.isoformat()} to {time_max.isoformat()} holds more than "
                f"{MAX_OCCURRENCES} occurrences of a recurring event",
                reason="invalid",
                hint="ask for a shorter window",
            )
        found.append(when)
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
    after = ends_after - duration
    rules = _ruleset(lines, start, honour_exdates=True, skip_to=after)
    found: datetime | None = rules.after(after, inc=False)
    return found


def is_occurrence(lines: tuple[str, ...], start: datetime, instant: datetime) -> bool:
    """True when the rules (ignoring EXDATEs) produce an occurrence at ``instant``."""
    rules = _ruleset(lines, start, honour_exdates=False, skip_to=instant)
    found: datetime | None = rules.after(instant, inc=True)
    return found is not None and found == instant
