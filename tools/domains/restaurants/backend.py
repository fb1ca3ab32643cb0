"""``RestaurantBackend``: what the restaurant tools need of a booking service.

Two implementations follow it: ``SandboxRestaurantBackend`` (seeded, in process) and
``HttpRestaurantBackend`` (the REST API of ``plangate.tools.domains.restaurants.http``). Business
refusals are ``ToolRefusedError`` with one of these reasons:

| reason            | when                                                              |
|-------------------|-------------------------------------------------------------------|
| ``not_found``     | unknown city, venue or reservation                                |
| ``invalid``       | a malformed argument (bad cursor, limit, name, misaligned time)   |
| ``past_date``     | the date or seating is not in the future                          |
| ``closed``        | the venue has no seating then (the hint gives its opening hours)  |
| ``sold_out``      | no table fits the party then (the hint gives the nearest free slots) |
| ``party_too_large``| the party exceeds 20 guests or the venue's largest table          |
| ``already_cancelled`` | the reservation was cancelled by another write                |
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol, runtime_checkable

from plangate.tools.domains.restaurants.listing import ReservationQuery
from plangate.tools.domains.restaurants.models import (
    Availability,
    Cuisine,
    Reservation,
    ReservationList,
    Venue,
    VenuePage,
)


@runtime_checkable
class RestaurantBackend(Protocol):
    """A restaurant booking service. Every write takes the caller's idempotency key."""

    async def search(
        self,
        city: str,
        party_size: int,
        when: datetime | date,
        *,
        cuisine: Cuisine | None = None,
        max_price_level: int | None = None,
        limit: int = 10,
        cursor: str | None = None,
    ) -> VenuePage:
        """Venues in ``city`` with a free table for the party, best rated first.

        Args:
            city: a city of ``plangate.tools.domains.world.CITIES`` (case-insensitive).
            party_size: guests, 1 to 20.
            when: a date (any seating that day) or a datetime (a seating starting within an
                hour of it); a naive datetime is read in the city's time zone.
            cuisine: only venues with this kitchen.
            max_price_level: only venues at or below this price level (1-4).
            limit: venues per page, 1 to 50.
            cursor: ``next_cursor`` of the previous page; ``None`` for the first page.
        """
        ...

    async def get_venue(self, venue_id: str) -> Venue:
        """The venue with this id."""
        ...

    async def availability(self, venue_id: str, day: date, party_size: int) -> Availability:
        """The seatings of ``day`` (local date) not yet started, with tables left for the party."""
        ...

    async def book(
        self, venue_id: str, start: datetime, party_size: int, name: str, idempotency_key: str
    ) -> Reservation:
        """Book a table; a naive ``start`` is read in the venue's time zone.

        A repeated ``idempotency_key`` returns the first reservation and books nothing.
        """
        ...

    async def cancel(self, reservation_id: str, idempotency_key: str) -> Reservation:
        """Cancel a reservation, freeing its table; a repeated key returns the first result."""
        ...

    async def find_reservation_by_key(self, idempotency_key: str) -> Reservation | None:
        """The reservation booked or cancelled by the write with this key, if any."""
        ...

    async def get_reservation(self, reservation_id: str) -> Reservation:
        """The reservation with this id."""
        ...

    async def list_reservations(self, query: ReservationQuery) -> ReservationList:
        """The user's reservations that ``query`` matches, earliest seating first.

        ``count`` is how many matched; ``data`` holds at most ``query.limit`` of them. Nothing
        matching is an empty list, never a refusal.
        """
        ...
