"""The sandbox's weekly timetable: routes, flights, block times, seats sold to others, fares.

Everything here is a pure function of the seed, and a flight runs on the weekdays of its pattern
every week, so any date works, and a (flight, day, cabin) has the same fare and the same seats
already sold however often — and in whatever order — it is asked about.

- **Routes**: every pair of airports in the same region (Europe with Istanbul, or North America)
  less than 4,500 km apart, plus ``LONG_HAUL``: long-haul routes that airlines really fly.
- **Flights**: 3 a day under 1,500 km, 2 a day under 4,500 km, 1 a day long-haul (2 between two
  major hubs); frequencies alternate between the home carriers of the two ends. The 2nd daily
  flight skips Saturdays, the 3rd flies Monday to Friday, and a long-haul route touching a
  secondary airport runs 5 days a week.
- **Times**: departures fall in the usual banks (early morning, midday, evening); long-haul
  flights leave in the evening eastbound and late in the morning westbound. Block time is the
  great-circle distance at 800 km/h plus 30 minutes (taxi, climb, descent), to 5 minutes.
- **Seats**: narrow-bodies (under 3,500 km) sell economy and business; wide-bodies add premium
  economy, and first class when their carrier has one. Each (flight, day, cabin) starts with a
  seeded share of its seats — 20% to 100% — already sold to other travellers.
- **Fares**: per passenger, in USD, ``39 + 95 × (km / 1000) ^ 0.75``, times a seeded factor per
  flight (0.85–1.20) and per day (0.93–1.12), a weekday factor (Friday and Sunday dearer, Tuesday
  and Wednesday cheaper), an advance-purchase factor (dearer inside three weeks of departure) and
  the cabin's multiplier. A connection costs 85% of its two flights.
- **Currency**: an offer is priced in its origin airport's currency — what a traveller buying
  there pays in, as Amadeus prices for a point of sale — converted from USD at the fixed
  indicative rates of ``UNITS_PER_USD`` (the sandbox is no exchange-rate source) and rounded to
  whole units. The offers of one search share an origin, hence a currency, so they sort by price.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

from plangate.tools.domains.flights.models import Cabin, Segment
from plangate.tools.domains.flights.offer_ids import FlightDay
from plangate.tools.domains.world import AIRPORTS, AIRPORTS_BY_IATA, Airport
from plangate.tools.money import Money

UNITS_PER_USD: dict[str, Decimal] = {
    "USD": Decimal("1"), "EUR": Decimal("0.92"), "GBP": Decimal("0.79"), "CHF": Decimal("0.88"),
    "DKK": Decimal("6.87"), "SEK": Decimal("10.6"), "TRY": Decimal("32.5"), "CAD": Decimal("1.36"),
    "JPY": Decimal("151"), "SGD": Decimal("1.35"), "AED": Decimal("3.67"), "AUD": Decimal("1.52"),
}  # fmt: skip
CABIN_MULTIPLIERS: dict[Cabin, float] = {
    "economy": 1.0,
    "premium_economy": 1.7,
    "business": 3.5,
    "first": 6.0,
}
HOME_CARRIERS: dict[str, str] = {
    "LIS": "TP", "OPO": "TP", "MAD": "IB", "BCN": "VY", "CDG": "AF", "LHR": "BA", "DUB": "EI",
    "AMS": "KL", "BRU": "SN", "FRA": "LH", "BER": "LH", "MUC": "LH", "ZRH": "LX", "VIE": "OS",
    "FCO": "AZ", "MXP": "AZ", "CPH": "SK", "ARN": "SK", "ATH": "A3", "IST": "TK", "JFK": "DL",
    "BOS": "B6", "ORD": "UA", "SFO": "UA", "LAX": "AA", "YYZ": "AC", "NRT": "JL", "SIN": "SQ",
    "DXB": "EK", "SYD": "QF",
}  # fmt: skip
MAJOR_HUBS = frozenset(
    {"LHR", "CDG", "FRA", "AMS", "IST", "DXB", "JFK", "ORD", "LAX", "NRT", "SIN"}
)
FIRST_CLASS_CARRIERS = frozenset({"AA", "AF", "BA", "EK", "JL", "LH", "LX", "QF", "SQ"})
LONG_HAUL: tuple[tuple[str, str], ...] = (
    ("LHR", "JFK"), ("LHR", "BOS"), ("LHR", "ORD"), ("LHR", "SFO"), ("LHR", "LAX"), ("LHR", "YYZ"),
    ("CDG", "JFK"), ("CDG", "BOS"), ("CDG", "LAX"), ("CDG", "YYZ"), ("FRA", "JFK"), ("FRA", "ORD"),
    ("FRA", "SFO"), ("FRA", "YYZ"), ("AMS", "JFK"), ("AMS", "BOS"), ("AMS", "ORD"), ("AMS", "SFO"),
    ("MAD", "JFK"), ("MAD", "BOS"), ("LIS", "JFK"), ("LIS", "BOS"), ("LIS", "YYZ"), ("DUB", "JFK"),
    ("DUB", "BOS"), ("DUB", "ORD"), ("ZRH", "JFK"), ("MUC", "JFK"), ("MUC", "ORD"), ("FCO", "JFK"),
    ("MXP", "JFK"), ("IST", "JFK"), ("IST", "ORD"), ("CPH", "JFK"), ("BRU", "JFK"), ("VIE", "JFK"),
    ("DXB", "LHR"), ("DXB", "CDG"), ("DXB", "FRA"), ("DXB", "AMS"), ("DXB", "MUC"), ("DXB", "ZRH"),
    ("DXB", "FCO"), ("DXB", "MAD"), ("DXB", "IST"), ("DXB", "JFK"), ("DXB", "SIN"), ("DXB", "SYD"),
    ("DXB", "NRT"), ("SIN", "LHR"), ("SIN", "CDG"), ("SIN", "FRA"), ("SIN", "AMS"), ("SIN", "ZRH"),
    ("SIN", "IST"), ("SIN", "NRT"), ("SIN", "SYD"), ("SIN", "SFO"), ("SIN", "LAX"), ("NRT", "LHR"),
    ("NRT", "CDG"), ("NRT", "FRA"), ("NRT", "AMS"), ("NRT", "IST"), ("NRT", "JFK"), ("NRT", "ORD"),
    ("NRT", "SFO"), ("NRT", "LAX"), ("NRT", "YYZ"), ("NRT", "SYD"), ("SYD", "LAX"), ("SYD", "SFO"),
)  # fmt: skip
REGIONAL_KM = 4500.0
WIDEBODY_KM = 3500.0
MIN_CONNECTION = timedelta(hours=1)
MAX_CONNECTION = timedelta(hours=8)
CONNECTION_DISCOUNT = 0.85

_EVERY_DAY = frozenset(range(7))
_WEEKDAY_PATTERNS = (_EVERY_DAY, frozenset({0, 1, 2, 3, 4, 6}), frozenset({0, 1, 2, 3, 4}))
_WEEKDAY_FACTORS = (1.0, 0.92, 0.92, 1.0, 1.12, 1.0, 1.10)  # Monday first
# Departure windows, minutes after local midnight.
_BANKS = {3: ((360, 570), (690, 900), (1020, 1290)), 2: ((390, 630), (900, 1230))}
_EASTBOUND = {1: ((1050, 1350),), 2: ((540, 720), (1080, 1350))}
_WESTBOUND = {1: ((570, 900),), 2: ((480, 660), (780, 1020))}


def draw(seed: int, *parts: object) -> float:
    """A number in [0, 1) fixed by ``seed`` and ``parts``: the sandbox's only randomness."""
    digest = hashlib.sha256(repr((seed, *parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def distance_km(a: Airport, b: Airport) -> float:
    """Great-circle distance between two airports (haversine, mean Earth radius)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def block_time(km: float) -> timedelta:
    """Gate-to-gate time: cruise at 800 km/h plus 30 minutes, rounded to 5 minutes."""
    minutes = km / 800.0 * 60.0 + 30.0
    return timedelta(minutes=5 * round(minutes / 5))


def elapsed(start: datetime, end: datetime) -> timedelta:
    """``end - start`` in real time, even when both share a time zone across a DST change."""
    return end.astimezone(UTC) - start.astimezone(UTC)


def _region(airport: Airport) -> str:
    return airport.timezone.split("/")[0]


@dataclass(frozen=True)
class ScheduledFlight:
    """A flight of the weekly timetable.

    Attributes:
        flight_number: carrier code and number, e.g. ``"TP1350"``.
        carrier: the operating airline's IATA code.
        origin: where it leaves from.
        destination: where it lands.
        departs: local time of departure.
        duration: block time.
        weekdays: the days it flies (0 = Monday).
        distance_km: great-circle distance.
        seats: ``(cabin, seats)`` for each cabin on board.
        fare_factor: this flight's seeded price level.
    """

    flight_number: str
    carrier: str
    origin: Airport
    destination: Airport
    departs: time
    duration: timedelta
    weekdays: frozenset[int]
    distance_km: float
    seats: tuple[tuple[Cabin, int], ...]
    fare_factor: float

    def flies_on(self, day: date) -> bool:
        """Whether the flight operates on ``day`` (local to its origin)."""
        return day.weekday() in self.weekdays

    def capacity(self, cabin: Cabin) -> int:
        """Seats in ``cabin``; 0 when the aircraft has no such cabin."""
        return dict(self.seats).get(cabin, 0)

    def departure(self, day: date) -> datetime:
        """Take-off on ``day``, in the origin's time zone."""
        return datetime.combine(day, self.departs, tzinfo=ZoneInfo(self.origin.timezone))

    def arrival(self, day: date) -> datetime:
        """Landing after the ``day`` departure, in the destination's time zone."""
        landing = self.departure(day).astimezone(UTC) + self.duration
        return landing.astimezone(ZoneInfo(self.destination.timezone))

    def segment(self, day: date) -> Segment:
        """The ``day`` flight as an offer segment."""
        return Segment(
            flight_number=self.flight_number,
            carrier=self.carrier,
            origin=self.origin.iata,
            destination=self.destination.iata,
            departure=self.departure(day),
            arrival=self.arrival(day),
            duration=self.duration,
        )


class Schedule:
    """The timetable for one seed.

    Args:
        seed: fixes departure times, the weekdays of secondary long-haul routes, each
            flight's fare level, the seats already sold and daily fares. Routes, flight
            numbers and block times are the same for every seed.
    """

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self._routes = _build(seed)
        self._by_number = {f.flight_number: f for fs in self._routes.values() for f in fs}

    def has_route(self, origin: str, destination: str) -> bool:
        """Whether a nonstop flight links the two airports on some day of the week."""
        return (origin, destination) in self._routes

    def flight(self, flight_number: str) -> ScheduledFlight | None:
        """The flight with this number, if the timetable has one."""
        return self._by_number.get(flight_number)

    def departures(self, origin: str, destination: str, day: date) -> list[ScheduledFlight]:
        """The nonstop flights of ``day``, earliest first."""
        return [f for f in self._routes.get((origin, destination), ()) if f.flies_on(day)]

    def connections(
        self, origin: str, destination: str, day: date
    ) -> list[tuple[FlightDay, FlightDay]]:
        """One-stop itineraries leaving on ``day``, each change of plane 1 to 8 hours long."""
        found: list[tuple[FlightDay, FlightDay]] = []
        for hub in sorted(AIRPORTS_BY_IATA):
            if not (self.has_route(origin, hub) and self.has_route(hub, destination)):
                continue
            for first in self.departures(origin, hub, day):
                landed = first.arrival(day)
                for onward_day in (landed.date(), landed.date() + timedelta(days=1)):
                    for second in self.departures(hub, destination, onward_day):
                        if is_connection(landed, second.departure(onward_day)):
                            found.append(
                                (
                                    FlightDay(first.flight_number, day),
                                    FlightDay(second.flight_number, onward_day),
                                )
                            )
        return found

    def presold(self, flight: ScheduledFlight, day: date, cabin: Cabin) -> int:
        """Seats of ``cabin`` on the ``day`` flight already sold to other travellers."""
        capacity = flight.capacity(cabin)
        unit = draw(self.seed, "load", flight.flight_number, day, cabin)
        return min(capacity, round(capacity * (0.2 + 0.8 * unit / 0.97)))

    def fare_usd(self, flight: ScheduledFlight, day: date, cabin: Cabin, today: date) -> float:
        """One passenger's fare for the ``day`` flight, as sold on ``today``."""
        base = 39.0 + 95.0 * math.pow(flight.distance_km / 1000.0, 0.75)
        daily = 0.93 + 0.19 * draw(self.seed, "fare", flight.flight_number, day)
        return (
            base
            * flight.fare_factor
            * daily
            * _WEEKDAY_FACTORS[day.weekday()]
            * _advance_factor((day - today).days)
            * CABIN_MULTIPLIERS[cabin]
        )

    def price(
        self,
        flights: Sequence[tuple[ScheduledFlight, date]],
        cabin: Cabin,
        passengers: int,
        today: date,
    ) -> Money:
        """The total for ``passengers`` flying ``flights``, in the first origin's currency."""
        usd = sum(self.fare_usd(flight, day, cabin, today) for flight, day in flights)
        if len(flights) > 1:
            usd *= CONNECTION_DISCOUNT
        currency = flights[0][0].origin.currency
        each = (Decimal(repr(usd)) * UNITS_PER_USD[currency]).quantize(Decimal(1))
        return Money.of(each * passengers, currency)


def is_connection(landed: datetime, leaves: datetime) -> bool:
    """Whether a traveller landing at ``landed`` can take a flight leaving at ``leaves``."""
    return MIN_CONNECTION <= elapsed(landed, leaves) <= MAX_CONNECTION


def _advance_factor(days_ahead: int) -> float:
    if days_ahead >= 21:
        return 1.0
    if days_ahead >= 14:
        return 1.1
    if days_ahead >= 7:
        return 1.25
    if days_ahead >= 3:
        return 1.45
    return 1.7


def _routes() -> list[tuple[Airport, Airport]]:
    pairs: set[tuple[str, str]] = set()
    for a in AIRPORTS:
        for b in AIRPORTS:
            same = _region(a) == _region(b) and _region(a) in ("Europe", "America")
            if a is not b and same and distance_km(a, b) < REGIONAL_KM:
                pairs.add((a.iata, b.iata))
    for a_code, b_code in LONG_HAUL:
        pairs.update({(a_code, b_code), (b_code, a_code)})
    return [(AIRPORTS_BY_IATA[a], AIRPORTS_BY_IATA[b]) for a, b in sorted(pairs)]


def _cabins(km: float, carrier: str) -> tuple[tuple[Cabin, int], ...]:
    if km < WIDEBODY_KM:
        return (("economy", 150), ("business", 12))
    cabins: tuple[tuple[Cabin, int], ...] = (
        ("economy", 230),
        ("premium_economy", 28),
        ("business", 40),
    )
    return (*cabins, ("first", 8)) if carrier in FIRST_CLASS_CARRIERS else cabins


def _windows(
    origin: Airport, destination: Airport, long_haul: bool, count: int
) -> tuple[tuple[int, int], ...]:
    if not long_haul:
        return _BANKS[count]
    # Shortest signed change of longitude, so Sydney to Los Angeles counts as eastbound.
    east = ((destination.lon - origin.lon + 540.0) % 360.0) - 180.0 > 0
    return (_EASTBOUND if east else _WESTBOUND)[count]


@cache
def _build(seed: int) -> dict[tuple[str, str], tuple[ScheduledFlight, ...]]:
    long_haul = {frozenset(pair) for pair in LONG_HAUL}
    numbers: dict[tuple[str, bool], int] = {}
    routes: dict[tuple[str, str], tuple[ScheduledFlight, ...]] = {}
    for origin, destination in _routes():
        km = distance_km(origin, destination)
        is_long = frozenset((origin.iata, destination.iata)) in long_haul
        majors = origin.iata in MAJOR_HUBS and destination.iata in MAJOR_HUBS
        count = (2 if majors else 1) if is_long else 3 if km < 1500 else 2
        flights = []
        for index, (start, end) in enumerate(_windows(origin, destination, is_long, count)):
            ends = (origin.iata, destination.iata)
            carrier = HOME_CARRIERS[ends[index % 2]]
            number = numbers.get((carrier, is_long), 10 if is_long else 100)
            numbers[(carrier, is_long)] = number + 1
            slot = math.floor(draw(seed, "time", ends, index) * ((end - start) // 5 + 1))
            departs = start + 5 * slot
            weekdays = _WEEKDAY_PATTERNS[index]
            if is_long and not majors:
                order = sorted(range(7), key=lambda d: draw(seed, "day", ends, d))
                weekdays = frozenset(order[2:])
            flights.append(
                ScheduledFlight(
                    flight_number=f"{carrier}{number}",
                    carrier=carrier,
                    origin=origin,
                    destination=destination,
                    departs=time(departs // 60, departs % 60),
                    duration=block_time(km),
                    weekdays=weekdays,
                    distance_km=km,
                    seats=_cabins(km, carrier),
                    fare_factor=0.85 + 0.35 * draw(seed, "level", carrier, number),
                )
            )
        routes[(origin.iata, destination.iata)] = tuple(sorted(flights, key=lambda f: f.departs))
    return routes
