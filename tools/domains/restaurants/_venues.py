"""The sandbox's seeded restaurant world: 7 to 9 venues in every city of
``plangate.tools.domains.world.CITIES``.

Names, addresses, kitchens, prices, hours and tables are all drawn from one
``random.Random(seed)``, city by city in ``CITIES`` order, so a seed always yields the same world.
"""

from __future__ import annotations

import functools
import random
from datetime import time
from decimal import Decimal

from plangate.tools.domains.restaurants.models import (
    Cuisine,
    DayHours,
    Service,
    TableGroup,
    Venue,
    Weekday,
)
from plangate.tools.domains.world import AIRPORTS, CITIES, Airport
from plangate.tools.money import Money

VENUES_PER_CITY = (7, 9)
TABLE_SIZES = (2, 4, 6, 8)

_ADJECTIVES = (
    "Golden", "Little", "Blue", "Old", "Wild", "Silver", "Green", "Hidden", "Salted", "Copper",
    "Velvet", "Lazy", "Crooked", "Quiet", "Red", "Bright", "Humble", "Northern",
)  # fmt: skip
_NOUNS = (
    "Fig", "Lantern", "Anchor", "Oak", "Harbour", "Table", "Garden", "Fox", "Orchard", "Kettle",
    "Lemon", "Sparrow", "Spoon", "Vine", "Ember", "Pearl", "Olive", "Heron", "Saffron", "Barrel",
)  # fmt: skip
_PREFIXES: dict[Cuisine, tuple[str, ...]] = {
    Cuisine.ITALIAN: ("Trattoria", "Osteria", "Cucina"),
    Cuisine.FRENCH: ("Bistro", "Brasserie", "Chez"),
    Cuisine.PORTUGUESE: ("Tasca", "Casa", "Adega"),
    Cuisine.SPANISH: ("Taberna", "Bodega", "Casa"),
    Cuisine.GREEK: ("Taverna", "Ouzeri"),
    Cuisine.LEBANESE: ("Beit", "Mezze House"),
    Cuisine.INDIAN: ("Spice Room", "Tandoor"),
    Cuisine.CHINESE: ("Jade", "Dumpling House"),
    Cuisine.JAPANESE: ("Izakaya", "Sushi"),
    Cuisine.KOREAN: ("Seoul Kitchen", "Bap"),
    Cuisine.THAI: ("Baan", "Thai Kitchen"),
    Cuisine.VIETNAMESE: ("Pho", "Banh Mi Bar"),
    Cuisine.MEXICAN: ("Cantina", "Taqueria"),
    Cuisine.AMERICAN: ("Grill", "Diner"),
    Cuisine.SEAFOOD: ("Oyster Bar", "Fish House"),
    Cuisine.VEGETARIAN: ("Green Kitchen", "Garden Table"),
}
_STREETS = (
    "Market", "Church", "Mill", "River", "King", "Station", "Castle", "Bridge", "Park", "Queen",
    "Chapel", "Elm", "High", "Harbour", "Linden", "Baker",
)  # fmt: skip
_STREET_KINDS = ("Street", "Lane", "Road", "Avenue", "Square", "Row")
_CLOSED_DAYS: tuple[tuple[int, ...], ...] = ((), (0,), (0,), (6,), (0, 1), (0, 6), (1,), (2,))
_PRICE_WEIGHTS = (2, 4, 3, 1)
# A deposit of "10" means 10 EUR but should not mean 10 JPY: scale by a rough local unit.
_DEPOSIT_UNIT = {"JPY": 150, "SEK": 10, "DKK": 7, "TRY": 35, "AED": 4}
_DEPOSIT_BY_LEVEL = {3: 10, 4: 25}


@functools.lru_cache(maxsize=8)
def generate_venues(seed: int) -> tuple[Venue, ...]:
    """Every venue of the sandbox world for ``seed``, city by city.

    Cached: the venues are frozen, so sandboxes of one seed can share them, and building a
    fresh sandbox per test stays cheap.
    """
    rng = random.Random(seed)
    venues: list[Venue] = []
    for city in CITIES:
        airport = _airport(city)
        names: set[str] = set()
        for number in range(1, rng.randint(*VENUES_PER_CITY) + 1):
            cuisine = rng.choice(list(Cuisine))
            name = _unique_name(rng, cuisine, names)
            names.add(name)
            level = rng.choices(range(1, 5), weights=_PRICE_WEIGHTS)[0]
            venues.append(
                Venue(
                    id=f"{airport.iata.lower()}-{number:03d}",
                    name=name,
                    city=city,
                    address=f"{rng.randint(1, 240)} {rng.choice(_STREETS)} "
                    f"{rng.choice(_STREET_KINDS)}, {city}",
                    timezone=airport.timezone,
                    cuisine=cuisine,
                    price_level=level,
                    rating=round(rng.uniform(3.4, 4.9), 1),
                    opening_hours=_hours(rng),
                    tables=_tables(rng),
                    deposit_per_guest=_deposit(level, airport.currency),
                )
            )
    return tuple(venues)


def _airport(city: str) -> Airport:
    return next(airport for airport in AIRPORTS if airport.city == city)


def _unique_name(rng: random.Random, cuisine: Cuisine, taken: set[str]) -> str:
    while True:
        if rng.random() < 0.6:
            name = f"{rng.choice(_PREFIXES[cuisine])} {rng.choice(_NOUNS)}"
        else:
            name = f"The {rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)}"
        if name not in taken:
            return name


def _hours(rng: random.Random) -> tuple[DayHours, ...]:
    services: list[Service] = []
    if rng.random() < 0.7:
        services.append(
            Service(
                name="lunch",
                opens=rng.choice((time(12, 0), time(12, 30))),
                closes=rng.choice((time(14, 30), time(15, 0), time(15, 30))),
            )
        )
    services.append(
        Service(
            name="dinner",
            opens=rng.choice((time(18, 0), time(18, 30), time(19, 0), time(19, 30))),
            closes=rng.choice((time(22, 0), time(22, 30), time(23, 0))),
        )
    )
    closed = rng.choice(_CLOSED_DAYS)
    return tuple(
        DayHours(weekday=day, services=() if index in closed else tuple(services))
        for index, day in enumerate(Weekday)
    )


def _tables(rng: random.Random) -> tuple[TableGroup, ...]:
    counts = {
        2: rng.randint(3, 8),
        4: rng.randint(2, 6),
        6: rng.randint(0, 3),
        8: rng.choice((0, 0, 1, 2)),
    }
    return tuple(TableGroup(seats=size, count=count) for size, count in counts.items() if count)


def _deposit(level: int, currency: str) -> Money | None:
    base = _DEPOSIT_BY_LEVEL.get(level)
    if base is None:
        return None
    return Money.of(Decimal(base * _DEPOSIT_UNIT.get(currency, 1)), currency)
