"""Words for the sandbox's refusals: opening hours and the nearest free seatings, as hints.

A refusal's hint tells the model what to change, so these render the venue's week and the free
seatings near the one asked for in a line a model (or a person) can act on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

from plangate.tools.domains.restaurants.models import SEATING_MINUTES, SLOT_MINUTES, DayHours, Venue

LOOKAHEAD_DAYS = 7
"""How far ahead a sold-out hint looks when the day asked for is full."""

FreeStarts = Callable[[date], Sequence[int]]
"""Minutes after midnight of the seatings on a date that still have a table for the party."""


def clock_time(minute: int) -> str:
    """``HH:MM`` for minutes after midnight."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def describe_day(hours: DayHours) -> str:
    """``lunch 12:00-15:00, dinner 19:00-23:00`` or ``closed``."""
    if not hours.services:
        return "closed"
    return ", ".join(
        f"{service.name} {service.opens:%H:%M}-{service.closes:%H:%M}" for service in hours.services
    )


def describe_hours(venue: Venue) -> str:
    """The venue's week, consecutive days with the same hours grouped."""
    groups: list[tuple[str, str, str]] = []  # (first day, last day, hours)
    for hours in venue.opening_hours:
        text = describe_day(hours)
        day = hours.weekday.value.capitalize()
        if groups and groups[-1][2] == text:
            groups[-1] = (groups[-1][0], day, text)
        else:
            groups.append((day, day, text))
    week = "; ".join(
        f"{first if first == last else f'{first}-{last}'} {text}" for first, last, text in groups
    )
    return (
        f"Opening hours of {venue.name}: {week}. Seatings start every {SLOT_MINUTES} minutes, "
        f"the last one {SEATING_MINUTES} minutes before closing."
    )


def nearest_free(venue: Venue, day: date, minute: int, party_size: int, free: FreeStarts) -> str:
    """A hint naming the free seatings closest to ``minute`` on ``day``, else on later days."""
    today = sorted(free(day), key=lambda start: (abs(start - minute), start))[:3]
    if today:
        times = ", ".join(clock_time(start) for start in sorted(today))
        return f"Free seatings for {party_size} on {day.isoformat()}: {times}."
    for offset in range(1, LOOKAHEAD_DAYS + 1):
        later = day + timedelta(days=offset)
        starts = list(free(later))[:3]
        if starts:
            times = ", ".join(clock_time(start) for start in starts)
            return (
                f"Nothing left for {party_size} on {day.isoformat()}; the next free seatings are "
                f"on {later:%A} {later.isoformat()}: {times}."
            )
    return (
        f"No table for {party_size} at {venue.name} in the next {LOOKAHEAD_DAYS} days: "
        "search for another venue."
    )
