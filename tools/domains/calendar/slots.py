"""Free time from busy time: merging busy intervals, finding free slots, nearest alternatives.

These are pure functions over free/busy data, so the sandbox and the HTTP backend find exactly
the same slots: the HTTP backend asks the server for free/busy and computes slots locally, as a
client of Google Calendar would.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta

from plangate.tools.domains.calendar.models import BusyInterval, FreeSlot, WorkingHours, zone


def merge_busy(
    intervals: Iterable[tuple[datetime, datetime]], time_min: datetime, time_max: datetime
) -> tuple[BusyInterval, ...]:
    """Clip intervals to ``[time_min, time_max)`` and merge those that overlap or touch."""
    clipped = sorted(
        (max(start, time_min), min(end, time_max))
        for start, end in intervals
        if start < time_max and end > time_min
    )
    merged: list[tuple[datetime, datetime]] = []
    for start, end in clipped:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(BusyInterval(start=start, end=end) for start, end in merged)


def _gaps(
    busy: Sequence[BusyInterval], low: datetime, high: datetime
) -> Iterator[tuple[datetime, datetime]]:
    """Free stretches of ``[low, high)`` given busy intervals sorted by start."""
    cursor = low
    for interval in busy:
        if interval.end <= cursor:
            continue
        if interval.start >= high:
            break
        if interval.start > cursor:
            yield cursor, interval.start
        cursor = max(cursor, interval.end)
    if cursor < high:
        yield cursor, high


def _working_windows(
    hours: WorkingHours, time_min: datetime, time_max: datetime
) -> Iterator[tuple[datetime, datetime]]:
    tz = zone(hours.timezone)
    day = time_min.astimezone(tz).date() - timedelta(days=1)
    last = time_max.astimezone(tz).date()
    while day <= last:
        if day.weekday() in hours.weekdays:
            yield (
                datetime.combine(day, hours.start, tzinfo=tz),
                datetime.combine(day, hours.end, tzinfo=tz),
            )
        day += timedelta(days=1)


def free_slots(
    busy: Sequence[BusyInterval],
    time_min: datetime,
    time_max: datetime,
    duration: timedelta,
    hours: WorkingHours | None = None,
    *,
    not_before: datetime | None = None,
) -> list[FreeSlot]:
    """Maximal free windows of at least ``duration`` within ``[time_min, time_max)``.

    Args:
        busy: busy intervals, merged and sorted (as ``merge_busy`` returns them).
        time_min: start of the search.
        time_max: end of the search.
        duration: the shortest window worth returning.
        hours: only look inside these working hours; ``None`` means round the clock (UTC).
        not_before: nothing earlier is free (the present: the past cannot be booked).
    """
    low = max(time_min, not_before) if not_before is not None else time_min
    windows = (
        list(_working_windows(hours, time_min, time_max))
        if hours is not None
        else [(time_min, time_max)]
    )
    timezone = hours.timezone if hours is not None else "UTC"
    slots: list[FreeSlot] = []
    for window_start, window_end in windows:
        start, end = max(window_start, low), min(window_end, time_max)
        for gap_start, gap_end in _gaps(busy, start, end):
            if gap_end - gap_start >= duration:
                slots.append(FreeSlot(start=gap_start, end=gap_end, timezone=timezone))
    return slots


def nearest_slots(
    busy: Sequence[BusyInterval],
    wanted: datetime,
    duration: timedelta,
    *,
    not_before: datetime,
    timezone: str = "UTC",
    count: int = 2,
    search: timedelta = timedelta(days=2),
) -> list[FreeSlot]:
    """The ``count`` free slots of exactly ``duration`` whose start is nearest ``wanted``.

    Used as the hint of a conflict refusal: "the nearest free times are ...".
    """
    low = max(not_before, wanted - search)
    high = wanted + search + duration
    candidates: list[tuple[timedelta, datetime]] = []
    for gap_start, gap_end in _gaps(busy, low, high):
        if gap_end - gap_start < duration:
            continue
        start = min(max(wanted, gap_start), gap_end - duration)
        candidates.append((abs(start - wanted), start))
    candidates.sort()
    return [
        FreeSlot(start=start, end=start + duration, timezone=timezone)
        for _, start in candidates[:count]
    ]


def describe_slots(slots: Sequence[FreeSlot]) -> str:
    """Slots as short text for a hint, e.g. ``2026-03-02 10:00–10:30 (Europe/Lisbon)``."""
    return "; ".join(
        f"{slot.start:%Y-%m-%d %H:%M}–{slot.end:%H:%M} ({slot.timezone})" for slot in slots
    )
