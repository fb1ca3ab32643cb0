"""Which of the user's reservations to list: ``ReservationQuery``, and the matching it means.

A reservation is matched on its seating as the venue sees it: dates and times of day are local
to the venue (a 20:00 table in Tokyo is on the Tokyo date at 20:00), so "tonight" means the same
thing in every city. All filters are optional and combine with *and*; no filter lists everything.
The sandbox (``match``) and the REST API (query parameters of the same names) apply them alike.

| filter                   | matches                                                        |
|--------------------------|----------------------------------------------------------------|
| ``date``                 | seatings on that local date                                    |
| ``date_from``/``date_to``| seatings from / until that local date, both inclusive          |
| ``time_from``/``time_to``| seatings starting at or after / at or before that local time   |
| ``venue``                | the venue with that id, or whose name holds the words given    |
| ``city``                 | venues in that city (case-insensitive)                         |
| ``party_size``           | tables booked for that many guests                             |
| ``status``               | ``confirmed`` or ``cancelled``                                 |
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field, model_validator

from plangate.tools.domains.restaurants.models import (
    MAX_PARTY_SIZE,
    Reservation,
    ReservationList,
    ReservationStatus,
    Venue,
)

MAX_LISTED = 50
"""The most reservations one list returns (``count`` still says how many matched)."""


class ReservationQuery(BaseModel):
    """Filters over the user's reservations (see the module docstring); all optional."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: dt.date | None = Field(
        default=None, description="Only seatings on this local date, YYYY-MM-DD."
    )
    date_from: dt.date | None = Field(
        default=None, description="Only seatings on or after this local date (not with date)."
    )
    date_to: dt.date | None = Field(
        default=None, description="Only seatings on or before this local date (not with date)."
    )
    time_from: dt.time | None = Field(
        default=None, description="Only seatings starting at or after this local time, HH:MM."
    )
    time_to: dt.time | None = Field(
        default=None, description="Only seatings starting at or before this local time, HH:MM."
    )
    venue: str | None = Field(
        default=None,
        min_length=1,
        max_length=120,
        description="A venue id ('lis-003') or words of its name ('Golden Barrel').",
    )
    city: str | None = Field(
        default=None, min_length=1, max_length=80, description="Only venues in this city."
    )
    party_size: int | None = Field(
        default=None, ge=1, le=MAX_PARTY_SIZE, description="Only tables for this many guests."
    )
    status: ReservationStatus | None = Field(
        default=None, description="Only 'confirmed' or only 'cancelled' reservations."
    )
    limit: int = Field(
        default=20, ge=1, le=MAX_LISTED, description=f"At most this many, 1 to {MAX_LISTED}."
    )

    @model_validator(mode="after")
    def _consistent(self) -> ReservationQuery:
        if self.date is not None and (self.date_from is not None or self.date_to is not None):
            raise ValueError("give either date or date_from/date_to, not both")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError(f"date_from {self.date_from} is after date_to {self.date_to}")
        if self.time_from and self.time_to and self.time_from > self.time_to:
            raise ValueError(
                f"time_from {self.time_from:%H:%M} is after time_to {self.time_to:%H:%M}: "
                "a window of the day may not run past midnight"
            )
        return self

    def params(self) -> dict[str, str | int]:
        """The filters that are set, as the REST API's query parameters."""
        return {
            name: value.value if isinstance(value, ReservationStatus) else _text(value)
            for name, value in self.model_dump(exclude_none=True).items()
        }


def _text(value: object) -> str | int:
    if isinstance(value, int):
        return value
    if isinstance(value, dt.time):
        return value.isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _words(text: str) -> list[str]:
    # "The Golden Barrel", "golden-barrel" and "Golden Barrel's" name the same place.
    words = re.findall(r"[^\W_]+", text.casefold().replace("'s ", " "))
    return [word for word in words if word != "the"]


def names_venue(query: str, venue: Venue) -> bool:
    """Whether ``query`` is the venue's id or runs of words found in order in its name."""
    if query.strip().casefold() == venue.id.casefold():
        return True
    wanted, name = _words(query), _words(venue.name)
    if not wanted:
        return False
    return any(name[i : i + len(wanted)] == wanted for i in range(len(name) - len(wanted) + 1))


def matches(query: ReservationQuery, booking: Reservation, venue: Venue | None) -> bool:
    """Whether ``booking`` (at ``venue``, when it is known) passes every filter of ``query``."""
    day, start = booking.start.date(), booking.start.time().replace(tzinfo=None)
    checks = (
        query.date is None or day == query.date,
        query.date_from is None or day >= query.date_from,
        query.date_to is None or day <= query.date_to,
        query.time_from is None or start >= query.time_from,
        query.time_to is None or start <= query.time_to,
        query.status is None or booking.status is query.status,
        query.party_size is None or booking.party_size == query.party_size,
        query.venue is None or (venue is not None and names_venue(query.venue, venue)),
        query.city is None
        or (venue is not None and venue.city.casefold() == query.city.strip().casefold()),
    )
    return all(checks)


def select(
    query: ReservationQuery, bookings: Iterable[Reservation], venues: dict[str, Venue]
) -> ReservationList:
    """The bookings ``query`` matches, earliest seating first, at most ``query.limit``."""
    found = sorted(
        (b for b in bookings if matches(query, b, venues.get(b.venue_id))),
        key=lambda b: (b.start, b.id),
    )
    return ReservationList(data=tuple(found[: query.limit]), count=len(found))
