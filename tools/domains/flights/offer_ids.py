"""Offer ids that say what they offer: ``TP1350-20260314.J2``.

An id names its flights (flight number and local departure day, joined by ``.``), then a cabin
letter (the IATA cabin codes: ``Y`` economy, ``W`` premium economy, ``J`` business, ``F`` first)
and the number of passengers. A connection names both flights:
``TP1350-20260314.BA117-20260314.Y1``.

So the same search always yields the same ids, and any backend can re-price an offer from its id
alone, days later, with no offer cache — the way a fare quote is rebuilt from its segments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from plangate.tools.domains.flights.models import Cabin

CABIN_CODES: dict[Cabin, str] = {
    "economy": "Y",
    "premium_economy": "W",
    "business": "J",
    "first": "F",
}
_CABINS_BY_CODE: dict[str, Cabin] = {code: cabin for cabin, code in CABIN_CODES.items()}
_FLIGHT_RE = re.compile(r"^([A-Z0-9]{2}[0-9]{1,4})-([0-9]{8})$")
_FARE_RE = re.compile(r"^([YWJF])([1-9])$")  # 1..9 passengers, as the models allow


@dataclass(frozen=True, order=True)
class FlightDay:
    """One flight on one day: the unit seats are sold in.

    Attributes:
        flight_number: carrier code and number, e.g. ``"TP1350"``.
        day: the local date of departure.
    """

    flight_number: str
    day: date

    def __str__(self) -> str:
        return f"{self.flight_number}-{self.day:%Y%m%d}"


@dataclass(frozen=True)
class OfferKey:
    """What an offer id says.

    Attributes:
        flights: the flights flown, in order.
        cabin: the cabin.
        passengers: the party size.
    """

    flights: tuple[FlightDay, ...]
    cabin: Cabin
    passengers: int

    def __str__(self) -> str:
        fare = f"{CABIN_CODES[self.cabin]}{self.passengers}"
        return ".".join([*(str(flight) for flight in self.flights), fare])


def parse_offer_id(offer_id: str) -> OfferKey | None:
    """The key an offer id spells, or ``None`` when it is not one of ours."""
    *flights, fare = offer_id.split(".")
    fare_match = _FARE_RE.match(fare)
    if not flights or fare_match is None:
        return None
    parsed: list[FlightDay] = []
    for token in flights:
        match = _FLIGHT_RE.match(token)
        if match is None:
            return None
        try:
            day = datetime.strptime(match.group(2), "%Y%m%d").date()
        except ValueError:
            return None
        parsed.append(FlightDay(match.group(1), day))
    cabin = _CABINS_BY_CODE[fare_match.group(1)]
    return OfferKey(tuple(parsed), cabin, int(fare_match.group(2)))


def flights_key(offer_id: str) -> str:
    """The flights an offer books, as a resource key; a foreign id is its own key.

    Two bookings of the same flights compete for the same seats whatever their cabin or party
    size, so the engine serializes them on this key.
    """
    key = parse_offer_id(offer_id)
    return offer_id if key is None else ".".join(str(flight) for flight in key.flights)
