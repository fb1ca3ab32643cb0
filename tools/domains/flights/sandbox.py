"""``SandboxFlightBackend``: a deterministic, stateful airline, in process.

Flights come from the seeded weekly timetable of ``plangate.tools.domains.flights.schedule``, over
every airport of ``plangate.tools.domains.world``. Seats are counted per flight, day and cabin
(``plangate.tools.domains.flights.inventory``); booking takes seats and cancelling gives them back.
Time is the injected clock's: a date or a departure in the past is refused with ``past_date``.

Searches connect through a hub only between airports with no nonstop route, and sell a
connection in a cabin only when both its flights have that cabin. Offer ids spell their flights
(``plangate.tools.domains.flights.offer_ids``), so the same search yields the same ids and any id
can be re-priced later.

Every write takes an idempotency key. Sent again with the same arguments, it returns the booking
it wrote — as that booking stands now, so a retry never hides a later cancellation — and changes
nothing; sent with other arguments, it is refused (``key_reused``). Every operation runs inside a
``plangate.tools.faults.FaultInjector``, under the names of the tools that call it
(``search_flights``, ``get_offer``, ``book_flight``, ``cancel_booking``, ``find_booking_by_key``,
``get_booking``).

``audit()`` checks the books balance: the seats taken on each flight, day and cabin are the
passengers of the confirmed bookings on it, and no count is negative.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Literal, TypeVar
from zoneinfo import ZoneInfo

from plangate.tools.clock import Clock, SystemClock
from plangate.tools.domains.flights.inventory import Inventory, flights_of
from plangate.tools.domains.flights.models import (
    Booking,
    BookingRef,
    BookingRequest,
    Cabin,
    Offer,
    OfferRef,
    Passenger,
    SearchQuery,
    validated,
)
from plangate.tools.domains.flights.offer_ids import FlightDay, OfferKey, parse_offer_id
from plangate.tools.domains.flights.schedule import Schedule, ScheduledFlight, is_connection
from plangate.tools.domains.world import AIRPORTS_BY_IATA
from plangate.tools.errors import ToolRefusedError
from plangate.tools.faults import NO_FAULTS, FaultInjector, FaultPlan

T = TypeVar("T")

SERVICE = "flights"
BOOKING_WINDOW = timedelta(days=330)
_LOCATOR_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread

Leg = tuple[ScheduledFlight, date]


@dataclass(frozen=True)
class _KeyUse:
    """What a write's idempotency key was used for, to answer a repeat or spot a reuse."""

    request: tuple[object, ...]
    booking_id: str


class SandboxFlightBackend:
    """A deterministic, stateful ``FlightBackend``.

    Args:
        seed: fixes the timetable, fares, seats already sold and booking references.
        clock: where "now" comes from (a ``FakeClock`` in tests).
        faults: failures and latency to inject around every operation.
    """

    def __init__(
        self, seed: int = 0, clock: Clock | None = None, faults: FaultPlan | None = None
    ) -> None:
        self.seed = seed
        self.clock: Clock = clock or SystemClock()
        self.schedule = Schedule(seed)
        self.faults = FaultInjector(faults or NO_FAULTS, self.clock, SERVICE)
        self.inventory = Inventory(self.schedule)
        self._bookings: dict[str, Booking] = {}
        self._keys: dict[str, _KeyUse] = {}
        self._issued = 0

    # -- the FlightBackend protocol -------------------------------------------------------------

    async def search(
        self,
        origin: str,
        destination: str,
        departure_date: date,
        passengers: int = 1,
        cabin: Cabin = "economy",
        max_results: int = 10,
    ) -> list[Offer]:
        """One-way offers for the party, cheapest first (see ``FlightBackend.search``)."""
        args = (origin, destination, departure_date, passengers, cabin, max_results)

        def act() -> list[Offer]:
            query = validated(
                SearchQuery,
                origin=origin,
                destination=destination,
                departure_date=departure_date,
                passengers=passengers,
                cabin=cabin,
                max_results=max_results,
            )
            return self._search(query)

        return await self._run("search_flights", repr(args), "read", act)

    async def get_offer(self, offer_id: str) -> Offer:
        """The offer re-priced now (see ``FlightBackend.get_offer``)."""

        def act() -> Offer:
            key, legs = self._find_offer(validated(OfferRef, offer_id=offer_id).offer_id)
            self._check_departure(legs)
            return self._priced(key, legs)

        return await self._run("get_offer", offer_id, "read", act)

    async def book(
        self, offer_id: str, passengers: Sequence[Passenger], idempotency_key: str
    ) -> Booking:
        """Book the offer (see ``FlightBackend.book``)."""

        def act() -> Booking:
            order = validated(BookingRequest, offer_id=offer_id, passengers=list(passengers))
            request = ("book", order.offer_id, tuple(order.passengers))
            repeat = self._repeat(idempotency_key, request)
            if repeat is not None:
                return repeat
            key, legs = self._find_offer(order.offer_id)
            if len(order.passengers) != key.passengers:
                raise ToolRefusedError(
                    f"offer {order.offer_id} is for {key.passengers} passenger(s), "
                    f"but {len(order.passengers)} are named",
                    reason="invalid",
                    hint=f"Name {key.passengers} passenger(s), or search again with "
                    f"passengers={len(order.passengers)}.",
                )
            self._check_departure(legs)
            offer = self._priced(key, legs)
            self.inventory.take(key.flights, key.cabin, key.passengers)
            booking = Booking(
                id=self._new_locator(),
                offer=offer,
                passengers=list(order.passengers),
                status="confirmed",
                idempotency_key=idempotency_key,
                created_at=self.clock.now(),
            )
            self._bookings[booking.id] = booking
            self._keys[idempotency_key] = _KeyUse(request, booking.id)
            return booking

        return await self._run("book_flight", idempotency_key, "write", act)

    async def cancel(self, booking_id: str, idempotency_key: str) -> Booking:
        """Cancel a booking (see ``FlightBackend.cancel``)."""

        def act() -> Booking:
            request = ("cancel", booking_id)
            repeat = self._repeat(idempotency_key, request)
            if repeat is not None:
                return repeat
            booking = self._booking(booking_id)
            if booking.status == "cancelled":
                raise ToolRefusedError(
                    f"booking {booking_id} was already cancelled at {booking.cancelled_at}",
                    reason="already_cancelled",
                    hint="Nothing to do: its seats were given back then.",
                )
            now = self.clock.now()
            if booking.offer.departure <= now:
                raise ToolRefusedError(
                    f"booking {booking_id} can no longer be cancelled: its flight left at "
                    f"{booking.offer.departure.isoformat()}",
                    reason="past_date",
                    hint="A flown booking cannot be cancelled.",
                )
            flights = flights_of(booking.offer)
            self.inventory.take(flights, booking.offer.cabin, -len(booking.passengers))
            cancelled = booking.model_copy(update={"status": "cancelled", "cancelled_at": now})
            self._bookings[booking_id] = cancelled
            self._keys[idempotency_key] = _KeyUse(request, booking_id)
            return cancelled

        return await self._run("cancel_booking", idempotency_key, "write", act)

    async def find_booking_by_key(self, idempotency_key: str) -> Booking | None:
        """The booking the write with this key made or cancelled, as it stands now."""

        def act() -> Booking | None:
            use = self._keys.get(idempotency_key)
            return None if use is None else self._bookings[use.booking_id]

        return await self._run("find_booking_by_key", idempotency_key, "read", act)

    async def get_booking(self, booking_id: str) -> Booking:
        """A booking as it stands now (see ``FlightBackend.get_booking``)."""
        return await self._run("get_booking", booking_id, "read", lambda: self._booking(booking_id))

    # -- inspection, for tests and demos --------------------------------------------------------

    def bookings(self) -> list[Booking]:
        """Every booking, confirmed or cancelled, in the order they were made."""
        return list(self._bookings.values())

    def audit(self) -> list[str]:
        """Every broken invariant, in words; an empty list means the books balance.

        Checked: for each flight, day and cabin, the seats taken equal the passengers of the
        confirmed bookings flying it, and no count is negative; every idempotency key names a
        booking that exists. Runs outside the fault plan: it inspects state.
        """
        problems = self.inventory.audit(self._bookings.values())
        problems.extend(
            f"key {key} names unknown booking {use.booking_id}"
            for key, use in self._keys.items()
            if use.booking_id not in self._bookings
        )
        return problems

    # -- internals ------------------------------------------------------------------------------

    async def _run(
        self, operation: str, key: str, effect: Literal["read", "write"], action: Callable[[], T]
    ) -> T:
        async def act() -> T:
            return action()

        return await self.faults.run(operation, key, effect, act)

    def _today(self, iata: str) -> date:
        return self.clock.now().astimezone(ZoneInfo(AIRPORTS_BY_IATA[iata].timezone)).date()

    def _search(self, query: SearchQuery) -> list[Offer]:
        today = self._today(query.origin)
        day = query.departure_date
        if day < today:
            raise ToolRefusedError(
                f"{day} is in the past at {query.origin} (today is {today} there)",
                reason="past_date",
                hint=f"Search {today} or a later date.",
            )
        if day > today + BOOKING_WINDOW:
            raise ToolRefusedError(
                f"{day} is beyond the schedule on sale",
                reason="beyond_schedule",
                hint=f"Airlines sell 330 days ahead: search {today + BOOKING_WINDOW} or earlier.",
            )
        if self.schedule.has_route(query.origin, query.destination):
            itineraries: list[tuple[FlightDay, ...]] = [
                (FlightDay(flight.flight_number, day),)
                for flight in self.schedule.departures(query.origin, query.destination, day)
            ]
        else:
            itineraries = list(self.schedule.connections(query.origin, query.destination, day))
        now = self.clock.now()
        offers: list[Offer] = []
        for flights in itineraries:
            key = OfferKey(flights, query.cabin, query.passengers)
            legs = self._resolve(key)
            if legs is None or _departure(legs) <= now:
                continue
            offer = self._offer(key, legs)
            if offer.seats_left >= query.passengers:
                offers.append(offer)
        offers.sort(key=lambda offer: (offer.price.amount, offer.departure, offer.id))
        return offers[: query.max_results]

    def _find_offer(self, offer_id: str) -> tuple[OfferKey, list[Leg]]:
        key = parse_offer_id(offer_id)
        legs = None if key is None else self._resolve(key)
        if key is None or legs is None:
            raise ToolRefusedError(
                f"no offer {offer_id!r}",
                reason="not_found",
                hint="Use an offer id returned by search_flights; search again if unsure.",
            )
        return key, legs

    def _resolve(self, key: OfferKey) -> list[Leg] | None:
        """The flights an offer key names, if they fly that day, in that cabin, and connect."""
        legs: list[Leg] = []
        for flight_day in key.flights:
            flight = self.schedule.flight(flight_day.flight_number)
            if (
                flight is None
                or not flight.flies_on(flight_day.day)
                or not flight.capacity(key.cabin)
            ):
                return None
            legs.append((flight, flight_day.day))
        for (first, day), (second, onward) in pairwise(legs):
            if first.destination != second.origin or not is_connection(
                first.arrival(day), second.departure(onward)
            ):
                return None
        return legs

    def _check_departure(self, legs: list[Leg]) -> None:
        if _departure(legs) <= self.clock.now():
            raise ToolRefusedError(
                f"flight {legs[0][0].flight_number} left at {_departure(legs).isoformat()}",
                reason="past_date",
                hint="Search a later date.",
            )

    def _priced(self, key: OfferKey, legs: list[Leg]) -> Offer:
        offer = self._offer(key, legs)
        if offer.seats_left < key.passengers:
            raise ToolRefusedError(
                f"only {offer.seats_left} {key.cabin} seat(s) left on {offer.id}, "
                f"for {key.passengers} passenger(s)",
                reason="sold_out",
                hint="Search another flight or cabin, or book for fewer passengers.",
            )
        return offer

    def _offer(self, key: OfferKey, legs: list[Leg]) -> Offer:
        origin = legs[0][0].origin.iata
        return Offer(
            id=str(key),
            segments=[leg.segment(on) for leg, on in legs],
            cabin=key.cabin,
            passengers=key.passengers,
            price=self.schedule.price(legs, key.cabin, key.passengers, self._today(origin)),
            seats_left=self.inventory.left(key.flights, key.cabin),
        )

    def _booking(self, booking_id: str) -> Booking:
        booking_id = validated(BookingRef, booking_id=booking_id).booking_id
        booking = self._bookings.get(booking_id)
        if booking is None:
            raise ToolRefusedError(
                f"no booking {booking_id!r}",
                reason="not_found",
                hint="Check the booking reference: it is the id book_flight returned.",
            )
        return booking

    def _repeat(self, idempotency_key: str, request: tuple[object, ...]) -> Booking | None:
        if not idempotency_key.strip():
            raise ToolRefusedError(
                "a write needs an idempotency key", reason="invalid", hint="Send a unique key."
            )
        use = self._keys.get(idempotency_key)
        if use is None:
            return None
        if use.request != request:
            raise ToolRefusedError(
                f"idempotency key {idempotency_key!r} was used for another request",
                reason="key_reused",
                hint="Use a new key for a different booking or cancellation.",
            )
        return self._bookings[use.booking_id]

    def _new_locator(self) -> str:
        while True:
            self._issued += 1
            digest = hashlib.sha256(repr((self.seed, "locator", self._issued)).encode()).digest()
            locator = "".join(_LOCATOR_ALPHABET[byte % 32] for byte in digest[:6])
            if locator not in self._bookings:
                return locator


def _departure(legs: list[Leg]) -> datetime:
    flight, day = legs[0]
    return flight.departure(day)
