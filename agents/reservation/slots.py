"""Reading a reservation request: places, party size, cuisine, names, durations and ids.

Dates and times are read with ``plangate.graphs.offline.slots``; this module adds what is specific
to bookings. Places are the cities and airports of ``plangate.tools.domains.world``, by city name (a
few local spellings too), airport name or IATA code. IATA codes are matched in capitals only, so
"mad" or "bos" in a sentence are words, not Madrid and Boston. Readers take the request as written
(case kept) and return a value, or raise ``UnclearRequestError`` saying what is missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from typing import Literal

from plangate.graphs.engine.planner import RequestRefusedError
from plangate.graphs.offline.grammar import OutsideGrammarError
from plangate.graphs.offline.slots import NUMBER_WORDS, date_mentions, parse_count, parse_time
from plangate.tools.domains.restaurants.models import MAX_PARTY_SIZE, Cuisine
from plangate.tools.domains.world import AIRPORTS, AIRPORTS_BY_IATA, Airport
from plangate.tools.errors import UsageError

HOME: Airport = AIRPORTS_BY_IATA["LIS"]
"""Where the user lives: the sandbox's primary calendar is kept in Europe/Lisbon."""

TRAVELLER = ("Alex", "Silva")
"""The traveller booked for when the request names nobody (first name, last name)."""

CUISINES: dict[str, Cuisine] = {cuisine.value: cuisine for cuisine in Cuisine} | {
    "sushi": Cuisine.JAPANESE, "ramen": Cuisine.JAPANESE, "pizza": Cuisine.ITALIAN,
    "pasta": Cuisine.ITALIAN, "tapas": Cuisine.SPANISH, "vegan": Cuisine.VEGETARIAN,
    "fish": Cuisine.SEAFOOD, "curry": Cuisine.INDIAN, "tacos": Cuisine.MEXICAN,
    "burgers": Cuisine.AMERICAN, "burger": Cuisine.AMERICAN, "dim sum": Cuisine.CHINESE,
    "pho": Cuisine.VIETNAMESE, "mezze": Cuisine.LEBANESE, "bistro": Cuisine.FRENCH,
}  # fmt: skip
_PLACE_NAMES: dict[str, str] = {
    "nyc": "JFK", "lisboa": "LIS", "roma": "FCO", "milano": "MXP", "wien": "VIE",
    "münchen": "MUC", "munchen": "MUC", "heathrow": "LHR", "schiphol": "AMS", "barajas": "MAD",
    "el prat": "BCN", "charles de gaulle": "CDG", "fiumicino": "FCO", "malpensa": "MXP",
    "arlanda": "ARN", "narita": "NRT", "changi": "SIN", "o'hare": "ORD",
    "kingsford smith": "SYD",
}  # fmt: skip
_PLACE_NAMES |= {airport.city.casefold(): airport.iata for airport in AIRPORTS}
_PLACE_NAMES |= {airport.name.casefold(): airport.iata for airport in AIRPORTS}
_PLACE_RE = re.compile(
    r"\b(?:" + "|".join(re.escape(n) for n in sorted(_PLACE_NAMES, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
_IATA_RE = re.compile(r"\b[A-Z]{3}\b")
_CUISINE_RE = re.compile(
    r"\b(" + "|".join(sorted(CUISINES, key=len, reverse=True)) + r")\b", re.IGNORECASE
)
_N = r"(\d{1,3}|a couple|a dozen|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + ")"
_NOT_A_PARTY = r"(?!\s*(?:[:.h]\d|[ap]\.?m\b|o'?clock|days?\b|weeks?\b|hours?\b|minutes?\b|mins?\b|nights?\b|th\b|st\b|nd\b|rd\b))"
_PEOPLE = r"(?:people|persons|guests|pax|diners|adults|of us)\b"
PARTY_RES = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        rf"\b(?:party|group) of {_N}\b",
        rf"\b{_N}\s+{_PEOPLE}",
        rf"\b(?:table|dinner|lunch|reservation|booking|seats?) for {_N}\b{_NOT_A_PARTY}",
        rf"\b(?:we are|we're|we'll be|we will be|there are|there'll be|there will be)"
        rf" {_N}\b{_NOT_A_PARTY}",
        rf"\bfor {_N}\b{_NOT_A_PARTY}",
    )
)
_JUST_ME = re.compile(r"\b(?:for me|just me|for myself|for one)\b", re.IGNORECASE)
_NAME_RE = re.compile(r"\bunder (?:the name )?(?P<name>[A-Z][\w'-]+(?: [A-Z][\w'-]+)?)")
DURATION_RE = re.compile(
    r"\b(?P<n>\d{1,3}|an?|one|two|three|four|half an?)\s*(?P<unit>hours?|hrs?|h|minutes?|mins?)\b",
    re.IGNORECASE,
)
_MORNING = re.compile(r"\b(?:breakfast|brunch|morning|am)\b", re.IGNORECASE)

Meal = Literal["breakfast", "lunch", "dinner"]


class UnclearRequestError(OutsideGrammarError):
    """The request has a known form but lacks, or garbles, something its plan needs.

    Attributes:
        request: the request as given.
        problem: what is missing or wrong, e.g. "which city".
        understood: an example of the request written in full.
    """

    def __init__(self, request: str, problem: str, example: str) -> None:
        # OutsideGrammarError's own message lists every intent; this one says what to add.
        UsageError.__init__(
            self,
            f"The offline planner understood {request!r} but not {problem}. "
            f'Say it in full, e.g. "{example}".',
        )
        self.request = request
        self.problem = problem
        self.understood = example


@dataclass(frozen=True)
class Place:
    """A place the request names.

    Attributes:
        airport: the airport serving it (and so its city, country and time zone).
        start: where the mention starts in the request.
        before: the word just before the mention, lower case ("from", "to", "in"...).
    """

    airport: Airport
    start: int
    before: str


def find_places(text: str) -> list[Place]:
    """Every place ``text`` names, in order; overlapping mentions count once."""
    found: list[tuple[int, int, Airport]] = []
    for match in _PLACE_RE.finditer(text):
        found.append(
            (match.start(), match.end(), AIRPORTS_BY_IATA[_PLACE_NAMES[match[0].casefold()]])
        )
    for match in _IATA_RE.finditer(text):
        if match[0] in AIRPORTS_BY_IATA:
            found.append((match.start(), match.end(), AIRPORTS_BY_IATA[match[0]]))
    places: list[Place] = []
    taken_until = -1
    for start, end, airport in sorted(found, key=lambda item: (item[0], -item[1])):
        if start < taken_until:
            continue
        taken_until = end
        words = text[:start].split()
        places.append(Place(airport, start, words[-1].casefold() if words else ""))
    return places


def read_city(text: str, example: str) -> Airport:
    """The city a restaurant request is for: the one after "in"/"at"/"near", else the last named.

    Raises:
        UnclearRequestError: no city of the sandbox world is named.
    """
    places = find_places(text)
    if not places:
        known = ", ".join(sorted({a.city for a in AIRPORTS}))
        raise UnclearRequestError(text, f"which city (one of {known})", example)
    marked = [p for p in places if p.before in ("in", "at", "near", "around")]
    return (marked or places)[-1].airport


def read_route(text: str, example: str) -> tuple[Airport, Airport]:
    """Origin and destination of a flight request ("from X to Y", "X to Y", or "to Y" from home).

    Raises:
        UnclearRequestError: no destination, or origin and destination are the same airport.
    """
    places = find_places(text)
    origin = next((p.airport for p in places if p.before == "from"), None)
    destination = next((p.airport for p in places if p.before in ("to", "into")), None)
    rest = [p.airport for p in places if p.airport not in (origin, destination)]
    if destination is None and rest:
        destination = rest.pop(-1) if origin is not None or len(rest) == 1 else rest.pop(1)
    if origin is None:
        origin = rest.pop(0) if rest else HOME
    if destination is None:
        raise UnclearRequestError(text, "where to fly (say 'to Madrid' or 'to MAD')", example)
    if origin.iata == destination.iata:
        raise UnclearRequestError(text, f"a route: both ends are {origin.city}", example)
    return origin, destination


def read_party(text: str, example: str, default: int = 2) -> int:
    """The party size ("for four", "a table for 2", "party of six"); ``default`` if none.

    Raises:
        UnclearRequestError: more guests than one booking can hold.
    """
    size = None
    for pattern in PARTY_RES:
        found = pattern.search(text)
        if found is not None:
            size = parse_count(found.group(1))
            break
    if size is None and _JUST_ME.search(text):
        size = 1
    size = default if size is None else size
    if not 1 <= size <= MAX_PARTY_SIZE:
        raise UnclearRequestError(
            text,
            f"a party of {size}: one booking seats 1 to {MAX_PARTY_SIZE} guests "
            "(and parties over 12 need the events team)",
            example,
        )
    return size


def read_cuisine(text: str) -> Cuisine | None:
    """The cuisine asked for ("Italian", "sushi", "tapas"), if any."""
    found = _CUISINE_RE.search(text)
    return CUISINES[found.group(1).casefold()] if found else None


def read_meal_time(text: str) -> time:
    """The time of the meal: read after the word dinner/lunch/table when there is one.

    A bare hour is read as pm (nobody books dinner at 8 am) unless the request speaks of
    breakfast or the morning. Without a time: 13:00 for lunch, 09:00 for breakfast, else 20:00.
    """
    meal = re.search(r"\b(?:dinner|supper|lunch|breakfast|brunch|table|restaurant)\b", text, re.I)
    tail = text[meal.start() :] if meal else text
    prefer_pm = _MORNING.search(text) is None
    found = parse_time(tail, prefer_pm=prefer_pm) or parse_time(text, prefer_pm=prefer_pm)
    if found is not None:
        return in_the_evening(found, text)
    kind = meal_of(text)
    return {"breakfast": time(9), "lunch": time(13), "dinner": time(20)}[kind]


_EVENING = re.compile(r"\b(?:dinner|supper|evening|tonight|night)\b", re.IGNORECASE)


def in_the_evening(found: time, text: str) -> time:
    """``found`` read as pm when the request speaks of the evening: dinner "at 8:30" is 20:30.

    A clock time with minutes ("8:30") is read as written by ``parse_time``; nobody dines at
    08:30, so in an evening request a time from 01:00 to 11:59 not marked am moves to the pm.
    """
    if 1 <= found.hour < 12 and _EVENING.search(text) and not _MORNING.search(text):
        return found.replace(hour=found.hour + 12)
    return found


def meal_of(text: str) -> Meal:
    """Which meal the request is about (dinner unless it says lunch or breakfast)."""
    lowered = text.casefold()
    if "lunch" in lowered:
        return "lunch"
    if "breakfast" in lowered or "brunch" in lowered:
        return "breakfast"
    return "dinner"


def read_name(text: str) -> str:
    """The name to book under ("under the name Ana Costa"); the traveller's by default."""
    found = _NAME_RE.search(text)
    return found["name"] if found else " ".join(TRAVELLER)


def read_passenger(text: str) -> dict[str, str]:
    """The passenger as book_flight wants it: a named first and last name, else the traveller."""
    parts = read_name(text).split()
    first, last = parts if len(parts) == 2 else TRAVELLER
    return {"first_name": first, "last_name": last}


MINUTES = (5, 720)
"""The shortest and longest free slot the calendar looks for, in minutes."""


def read_minutes(text: str, example: str, default: int = 60, *, can: str = "") -> int:
    """A duration in minutes ("2 hours", "30 minutes", "an hour", "half an hour").

    Args:
        text: the request.
        example: a request that asks for a duration, shown with a refusal.
        default: the minutes when the request says none.
        can: what the agent can do, shown with a refusal.

    Raises:
        RequestRefusedError: the duration is shorter than 5 minutes or longer than 12 hours
            (never clamped to one that was not asked for).
    """
    found = DURATION_RE.search(text)
    if found is None:
        return default
    raw, unit = found["n"].casefold(), found["unit"].casefold()
    amount = 0.5 if raw.startswith("half") else 1 if raw in ("a", "an") else parse_count(raw)
    minutes = int((amount or 0) * (60 if unit.startswith("h") else 1))
    low, high = MINUTES
    if not low <= minutes <= high:
        raise RequestRefusedError(
            text,
            f"I look for free slots of {low} minutes to {high // 60} hours, not "
            f'"{found.group().strip()}"; ask e.g. "{example}"',
            can=can,
        )
    return minutes


def distinct_days(text: str, today: date) -> list[date]:
    """Every day ``text`` names, each once, in order ("Friday and Saturday" is two)."""
    days = [value for _, value in sorted(date_mentions(text, today), key=lambda m: m[0])]
    return list(dict.fromkeys(day for day in days if day is not None))


def refuse_days(text: str, today: date, can: str) -> None:
    """Refuse a booking that names more than one day: one request books one day.

    Raises:
        RequestRefusedError: two days or more ("Friday and Saturday", "out Friday, back
            Sunday"): never booked on the first alone.
    """
    days = distinct_days(text, today)
    if len(days) > 1:
        named = " and ".join(day.strftime("%A %d %B") for day in days[:3])
        raise RequestRefusedError(
            text,
            f"one request books one day, and this one names {len(days)} ({named}); a round "
            "trip is two flights: ask for each booking separately",
            can=can,
        )


def require_date(found: date | None, text: str, what: str, example: str) -> date:
    """``found``, or an ``UnclearRequestError`` asking for the date of ``what``."""
    if found is None:
        raise UnclearRequestError(text, f"the date of {what}", example)
    return found
