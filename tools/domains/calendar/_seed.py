"""The sandbox's seeded calendars: recurring meetings across time zones and one-offs around now.

The same seed and anchor always give the same events. The recurring series are placed so they
never overlap one another; one-off candidates that would overlap something are dropped by the
sandbox, so a fresh sandbox passes its own audit.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from plangate.tools.domains.calendar.models import NewEvent, zone
from plangate.tools.domains.world import CITIES

PRIMARY = "primary"
COLLEAGUE = "colleague@example.com"
CALENDAR_ZONES: dict[str, str] = {PRIMARY: "Europe/Lisbon", COLLEAGUE: "America/New_York"}
"""Each seeded calendar and the time zone its owner lives in."""

_TEAM = ("me@example.com", COLLEAGUE, "priya@example.com", "tomas@example.com")
_ONE_OFFS = (
    "Lunch with Marta",
    "Dentist",
    "1:1 with Priya",
    "Design review",
    "Interview: backend engineer",
    "Coffee with Tomás",
    "Budget planning",
    "Customer call: Acme",
    "Quarterly planning",
    "Workshop prep",
)
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class SeedEvent:
    """One seeded event.

    Attributes:
        calendar_id: the calendar it belongs to.
        event: the event.
        optional: dropped if it would overlap an event already seeded (one-offs are).
    """

    calendar_id: str
    event: NewEvent
    optional: bool = False


def _at(day: date, clock_time: time, tz: str, minutes: int, **fields: object) -> NewEvent:
    start = datetime.combine(day, clock_time, tzinfo=zone(tz))
    return NewEvent.model_validate(
        {"timezone": tz, "start": start, "end": start + timedelta(minutes=minutes), **fields}
    )


def _series(rng: random.Random, monday: date) -> list[SeedEvent]:
    standup = _at(
        monday,
        time(9, rng.choice((0, 15, 30))),
        "Europe/Lisbon",
        15,
        summary="Team standup",
        location="Lisbon office",
        recurrence=["RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"],
        attendees=list(_TEAM),
    )
    # 11:00 in New York is 15:00 or 16:00 in Lisbon, depending on whose DST has started.
    sync_day = rng.choice((1, 3))
    sync = {
        "summary": "Partner sync (New York)",
        "description": "Biweekly call with the New York partners.",
        "recurrence": [f"RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY={_WEEKDAYS[sync_day]}"],
        "attendees": ["me@example.com", COLLEAGUE],
    }
    sync_date = monday + timedelta(days=sync_day)
    first_of_month = monday.replace(day=1)
    review = _at(
        first_of_month,
        time(14, 0),
        "Europe/Lisbon",
        60,
        summary="Monthly business review",
        recurrence=["RRULE:FREQ=MONTHLY;BYDAY=1WE"],
        attendees=["me@example.com", "priya@example.com"],
    )
    one_on_one = _at(
        monday,
        time(10, 0),
        "America/New_York",
        30,
        summary="1:1 with manager",
        recurrence=["RRULE:FREQ=WEEKLY;BYDAY=MO"],
    )
    return [
        SeedEvent(PRIMARY, standup),
        SeedEvent(PRIMARY, _at(sync_date, time(11, 0), "America/New_York", 45, **sync)),
        SeedEvent(PRIMARY, review),
        SeedEvent(COLLEAGUE, _at(sync_date, time(11, 0), "America/New_York", 45, **sync)),
        SeedEvent(COLLEAGUE, one_on_one),
    ]


def _one_offs(rng: random.Random, today: date) -> list[SeedEvent]:
    seeded: list[SeedEvent] = []
    for _ in range(rng.randint(5, 8)):
        day = today + timedelta(days=rng.randint(-2, 9))
        start = time(rng.randint(8, 18), rng.choice((0, 30)))
        city = rng.choice(CITIES)
        event = _at(
            day,
            start,
            "Europe/Lisbon",
            rng.choice((30, 45, 60, 90)),
            summary=rng.choice(_ONE_OFFS),
            location=city,
        )
        seeded.append(SeedEvent(PRIMARY, event, optional=True))
    # 09:00 in Tokyo is past midnight in Lisbon: the user's day runs round the clock.
    tokyo = _at(
        today + timedelta(days=rng.randint(0, 4)),
        time(9, 0),
        "Asia/Tokyo",
        30,
        summary="Call with the Tokyo team",
        location="Tokyo",
    )
    seeded.append(SeedEvent(PRIMARY, tokyo, optional=True))
    for _ in range(rng.randint(3, 5)):
        day = today + timedelta(days=rng.randint(-1, 7))
        event = _at(
            day,
            time(rng.randint(9, 16), rng.choice((0, 30))),
            "America/New_York",
            rng.choice((30, 60)),
            summary=rng.choice(_ONE_OFFS),
            location="New York",
        )
        seeded.append(SeedEvent(COLLEAGUE, event, optional=True))
    return seeded


def seed_events(seed: int, anchor: datetime) -> list[SeedEvent]:
    """The seeded events for ``seed``, placed around ``anchor`` (the clock's time at start).

    Recurring series began eight weeks before the anchor; one-offs fall from two days before
    to nine days after it.
    """
    rng = random.Random(seed)
    today = anchor.astimezone(zone(CALENDAR_ZONES[PRIMARY])).date()
    monday = today - timedelta(days=today.weekday() + 7 * 8)
    return [*_series(rng, monday), *_one_offs(rng, today)]
