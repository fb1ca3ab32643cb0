"""Seat inventory: how many seats each cabin of each flight has left, day by day.

A count is created the first time a (flight, day, cabin) is touched, from the timetable alone —
its capacity, and the seats the seed says other travellers already bought — so the order in
which flights are asked about never changes an answer. Bookings take seats and cancellations
give them back; ``audit`` checks the counts against the bookings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from plangate.tools.domains.flights.models import Booking, Cabin, Offer
from plangate.tools.domains.flights.offer_ids import FlightDay
from plangate.tools.domains.flights.schedule import Schedule


@dataclass
class Seats:
    """The seats of one cabin on one flight and day.

    Attributes:
        capacity: seats in the cabin.
        presold: seats sold to other travellers before the sandbox started (seeded).
        taken: seats held by this sandbox's confirmed bookings.
    """

    capacity: int
    presold: int
    taken: int = 0

    @property
    def left(self) -> int:
        """Seats still for sale."""
        return self.capacity - self.presold - self.taken


def flights_of(offer: Offer) -> list[FlightDay]:
    """The flights an offer flies, each on its local day of departure."""
    return [FlightDay(s.flight_number, s.departure.date()) for s in offer.segments]


class Inventory:
    """The seat counts of one sandbox.

    Args:
        schedule: the timetable that says which flights exist and how full they start.
    """

    def __init__(self, schedule: Schedule) -> None:
        self.schedule = schedule
        self._seats: dict[tuple[FlightDay, Cabin], Seats] = {}

    def seats(self, flight: FlightDay, cabin: Cabin) -> Seats:
        """The count of ``cabin`` on ``flight``, created on first touch."""
        seats = self._seats.get((flight, cabin))
        if seats is None:
            scheduled = self.schedule.flight(flight.flight_number)
            assert scheduled is not None, f"{flight} is not in the timetable"
            presold = self.schedule.presold(scheduled, flight.day, cabin)
            seats = self._seats[(flight, cabin)] = Seats(scheduled.capacity(cabin), presold)
        return seats

    def left(self, flights: Iterable[FlightDay], cabin: Cabin) -> int:
        """Seats for sale on every one of ``flights``: the fewest any of them has."""
        return min(self.seats(flight, cabin).left for flight in flights)

    def take(self, flights: Iterable[FlightDay], cabin: Cabin, count: int) -> None:
        """Hold ``count`` seats on each of ``flights`` (negative: give them back)."""
        for flight in flights:
            self.seats(flight, cabin).taken += count

    def audit(self, bookings: Iterable[Booking]) -> list[str]:
        """Where the counts disagree with the confirmed ``bookings``, or go out of bounds."""
        held: Counter[tuple[FlightDay, Cabin]] = Counter()
        for booking in bookings:
            if booking.status == "confirmed":
                for flight in flights_of(booking.offer):
                    held[(flight, booking.offer.cabin)] += len(booking.passengers)
        problems = [
            f"{flight} {cabin}: booked without a seat count"
            for flight, cabin in held
            if (flight, cabin) not in self._seats
        ]
        for (flight, cabin), seats in sorted(self._seats.items()):
            if seats.taken != held[(flight, cabin)]:
                problems.append(
                    f"{flight} {cabin}: {seats.taken} seats taken, but confirmed bookings "
                    f"hold {held[(flight, cabin)]}"
                )
            if seats.taken < 0 or seats.left < 0:
                problems.append(f"{flight} {cabin}: negative inventory ({seats})")
        return problems
