"""Which of the user's reservations a request means: "tonight's dinner", "my 8pm booking on Friday".

A cancellation that names no id is planned as a lookup first (``list_reservations``), filtered
by what the request says, then the cancellation of what was found. ``read_lookup`` turns the
request into those filters, which the restaurants service applies
(``plangate.tools.domains.restaurants.listing``): the day, a time or the window of the meal, the
venue and the city. What a request does not say is not guessed: without a day, every upcoming
reservation is looked at, and the plan cancels only when exactly one matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from plangate.agents.reservation.slots import CUISINES, PARTY_RES, find_places, in_the_evening
from plangate.graphs.offline.slots import MONTHS, WEEKDAYS, parse_count, parse_date, parse_time

_FLIGHT_WORDS = re.compile(
    r"\b(?:flights?|tickets?|plane|fares?|seats? on|trip)\b|\b(?:event|meeting|appointment)s?\b",
    re.IGNORECASE,
)
_TABLE_WORDS = re.compile(
    r"\b(?:reservations?|tables?|dinners?|lunch(?:es)?|breakfasts?|brunch(?:es)?|suppers?"
    r"|restaurants?|meals?)\b",
    re.IGNORECASE,
)
_BOOKING_WORDS = re.compile(r"\b(?:bookings?|booked)\b", re.IGNORECASE)
# The windows of the day a meal word means, as (from, to) local seating starts.
_MEALS: tuple[tuple[re.Pattern[str], time | None, time | None, str], ...] = (
    (re.compile(r"\bbreakfast\b", re.I), None, time(11, 30), "breakfast"),
    (re.compile(r"\bbrunch\b", re.I), time(10), time(14, 30), "brunch"),
    (re.compile(r"\b(?:lunch|midday|afternoon)\b", re.I), time(11), time(16, 59), "lunch"),
    (
        re.compile(r"\b(?:dinner|supper|tonight|tonite|evening|night)\b", re.I),
        time(17),
        None,
        "the evening",
    ),
)
_MORNING = re.compile(r"\b(?:breakfast|brunch|morning|am)\b", re.IGNORECASE)
_CONNECTORS = r"(?:de|do|da|dos|das|del|della|di|du|des|la|le|el|of|and|&|y|e)"
_CAPITALISED = r"[A-Z][\w'’&.-]*"
_NAMED = rf"{_CAPITALISED}(?:\s+(?:{_CONNECTORS}\s+)?{_CAPITALISED}){{0,4}}"
_VENUE_FORMS = (
    re.compile(r"\b(?:at|from|with)\s+[\"“'‘](?P<name>[^\"”'’]{2,60})[\"”'’]"),
    re.compile(rf"\b(?:at|from)\s+(?:[Tt]he\s+)?(?P<name>{_NAMED})"),
    re.compile(
        r"\b(?:at|from)\s+the\s+(?P<name>[a-z][\w'-]*(?:\s+[a-z][\w'-]*){0,3}?)"
        r"(?=\s+(?:on|for|tonight|today|tomorrow|this|next|at|in)\b|[,.!?]|$)"
    ),
    re.compile(rf"\b(?:my|our|the)\s+(?P<name>{_NAMED})\s+(?:reservation|booking|table)\b"),
)
_NOT_VENUES = {
    *WEEKDAYS, *MONTHS, *(m[:3] for m in MONTHS), *(d[:3] for d in WEEKDAYS), "today", "tonight",
    "tomorrow", "weekend", "moment", "usual", "latest", "earliest", "same", "end", "i", "noon",
    "midday", "midnight", "night", "evening", "lunch", "dinner", "breakfast", "brunch",
}  # fmt: skip
# Words that end a name rather than belong to it; "Mar" of "Casa do Mar" is not March here.
_TRAILING = (_NOT_VENUES - {m[:3] for m in MONTHS} - {d[:3] for d in WEEKDAYS}) | {
    "de", "do", "da", "del", "di", "du", "la", "le", "of", "and", "&",
}  # fmt: skip


def is_table_lookup(text: str) -> bool:
    """Whether a cancellation without an id is about a restaurant table.

    A flight, a ticket or a calendar event is not (their services list nothing to look up). A
    mere "booking" is a table's only with a seating time or a venue ("my booking at 8pm"):
    "cancel my booking" alone could be a flight.
    """
    if _FLIGHT_WORDS.search(text) is not None:
        return False
    if _TABLE_WORDS.search(text) is not None:
        return True
    return _BOOKING_WORDS.search(text) is not None and (
        parse_time(text) is not None or read_venue(text) is not None
    )


@dataclass(frozen=True)
class Lookup:
    """The filters of a reservation lookup, and the same in words.

    Attributes:
        args: ``list_reservations`` arguments; confirmed reservations only.
        words: what is looked for, e.g. "on 2026-03-09 in the evening at Pho Saffron".
    """

    args: dict[str, Any] = field(default_factory=dict)
    words: str = ""


def read_venue(text: str) -> str | None:
    """The venue a request names ("at The Golden Barrel", "at 'Pho Saffron'"), if any.

    Days, meal words, cities and cuisines are not venues.
    """
    for form in _VENUE_FORMS:
        for found in form.finditer(text):
            parts = found["name"].strip(" .,!?").split()
            while parts and parts[-1].casefold().strip(".,!?") in _TRAILING:
                parts.pop()  # "at Pho Saffron Tonight": the day is no part of the name
            name = " ".join(parts)
            words = [word.casefold() for word in re.findall(r"[^\W_]+", name)]
            if not words or all(word in _NOT_VENUES for word in words):
                continue
            if (find_places(name) and len(words) == 1) or name.casefold() in CUISINES:
                continue
            return name
    return None


def _city(text: str, venue: str | None) -> str | None:
    for place in find_places(text):
        if place.before in ("in", "near", "around") and not (
            venue and place.airport.city.casefold() in venue.casefold()
        ):
            return place.airport.city
    return None


def read_lookup(text: str, today: date) -> Lookup:
    """The ``list_reservations`` filters ``text`` says, for a cancellation planned on ``today``."""
    # "tonights reservation", "tomorrows dinner": the day without its apostrophe.
    text = re.sub(r"\b(today|tonight|tomorrow)s\b", r"\1", text, flags=re.IGNORECASE)
    args: dict[str, Any] = {"status": "confirmed"}
    words: list[str] = []
    day = parse_date(text, today)
    if day is not None:
        args["date"] = day.isoformat()
        words.append(f"on {day:%A %d %B}")
    else:
        args["date_from"] = today.isoformat()  # what is still to come, not last week's dinner
        words.append("from today on")
    at = parse_time(text, prefer_pm=_MORNING.search(text) is None)
    if at is not None:
        at = in_the_evening(at, text)
        args["time_from"] = args["time_to"] = at.isoformat(timespec="minutes")
        words.append(f"at {at:%H:%M}")
    else:
        meal = next((m for m in _MEALS if m[0].search(text)), None)
        if meal is not None:
            _, low, high, name = meal
            if low is not None:
                args["time_from"] = low.isoformat(timespec="minutes")
            if high is not None:
                args["time_to"] = high.isoformat(timespec="minutes")
            words.append(f"for {name}" if name != "the evening" else "in the evening")
    party = next((parse_count(m[1]) for p in PARTY_RES if (m := p.search(text))), None)
    if party is not None:
        args["party_size"] = party
        words.append(f"for {party}")
    venue = read_venue(text)
    if venue is not None:
        args["venue"] = venue
        words.append(f"at {venue}")
    city = _city(text, venue)
    if city is not None:
        args["city"] = city
        words.append(f"in {city}")
    return Lookup(args, " ".join(words))
