"""``FlightBackend``: what the flight tools need of an airline-booking service.

Shaped after Amadeus Self-Service's flight APIs — search offers, price one, create a flight order,
read it, cancel it — plus the lookup by idempotency key that every plangate write needs: when a
booking's reply is lost, the engine asks "did the write with this key happen?" instead of booking
again.

Refusals are ``ToolRefusedError``s with a ``reason`` every implementation shares:

| reason          | when                                                                  |
|-----------------|-----------------------------------------------------------------------|
| ``invalid``     | an argument is malformed: unknown airport, 10 passengers, wrong party |
| ``not_found``   | no such offer or booking                                              |
| ``past_date``   | the date, or the flight's departure, has passed                       |
| ``beyond_schedule`` | the date is further ahead than airlines sell (330 days)           |
| ``sold_out``    | fewer seats are left than passengers                                  |
| ``already_cancelled`` | the booking was cancelled before                                |
| ``key_reused``  | an idempotency key is sent again with different arguments             |
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol, runtime_checkable

from plangate.tools.domains.flights.models import Booking, Cabin, Offer, Passenger


@runtime_checkable
class FlightBackend(Protocol):
    """An airline-booking service: the sandbox, or a REST API over HTTP."""

    async def search(
        self,
        origin: str,
        destination: str,
        departure_date: date,
        passengers: int = 1,
        cabin: Cabin = "economy",
        max_results: int = 10,
    ) -> list[Offer]:
        """One-way offers for the party on ``departure_date``, cheapest first.

        Offers with fewer seats left than ``passengers`` are left out; an empty list means
        nothing flies, or nothing has room, that day.
        """
        ...

    async def get_offer(self, offer_id: str) -> Offer:
        """The offer re-priced now, with its seats left (Amadeus's Flight Offers Price).

        Raises:
            ToolRefusedError: ``not_found``, ``past_date`` or ``sold_out``.
        """
        ...

    async def book(
        self, offer_id: str, passengers: Sequence[Passenger], idempotency_key: str
    ) -> Booking:
        """Book the offer at its current price, for exactly as many passengers as it is for.

        A repeated key returns the booking it made and changes nothing.

        Raises:
            ToolRefusedError: ``invalid``, ``not_found``, ``past_date``, ``sold_out`` or
                ``key_reused``.
        """
        ...

    async def cancel(self, booking_id: str, idempotency_key: str) -> Booking:
        """Cancel a booking, giving its seats back.

        A repeated key returns the cancelled booking and changes nothing.

        Raises:
            ToolRefusedError: ``not_found``, ``already_cancelled``, ``past_date`` or
                ``key_reused``.
        """
        ...

    async def find_booking_by_key(self, idempotency_key: str) -> Booking | None:
        """The booking that the write with this key made or cancelled, as it stands now."""
        ...

    async def get_booking(self, booking_id: str) -> Booking:
        """A booking as it stands now.

        Raises:
            ToolRefusedError: ``not_found``.
        """
        ...
