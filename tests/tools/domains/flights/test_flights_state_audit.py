"""Hypothesis drives the sandbox through random bookings, cancellations, repeats and faults; the
books must balance after every step."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import timedelta
from typing import TypeVar

from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    consumes,
    invariant,
    multiple,
    precondition,
    rule,
)

from plangate.tools.clock import FakeClock
from plangate.tools.domains.flights.inventory import flights_of
from plangate.tools.domains.flights.models import Booking, Cabin, Passenger
from plangate.tools.domains.flights.sandbox import SandboxFlightBackend
from plangate.tools.errors import OutcomeUnknownError, ToolError, ToolRefusedError
from plangate.tools.faults import FaultPlan

from .harness import DAY

T = TypeVar("T")

# Few flights and small cabins, so bookings collide and sell out.
ROUTES: list[tuple[str, str, Cabin]] = [
    ("LHR", "JFK", "first"),
    ("LIS", "MAD", "business"),
    ("OPO", "NRT", "business"),
]
KEYS = st.sampled_from([f"key-{n}" for n in range(10)])
PARTY = [Passenger(first_name="Traveller", last_name=name) for name in "ABCDEFGHI"]


class FlightsMachine(RuleBasedStateMachine):
    """Random traffic against one sandbox, with a model of what each key did."""

    faults: FaultPlan | None = None
    offers = Bundle("offers")
    bookings = Bundle("bookings")

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.clock = FakeClock()
        self.backend = SandboxFlightBackend(seed=3, clock=self.clock, faults=self.faults)
        self.key_owner: dict[str, str] = {}  # idempotency key -> booking id it wrote
        self.confirmed: set[str] = set()  # the model: bookings that should stand

    def run(self, step: Awaitable[T]) -> T:
        return self.loop.run_until_complete(step)

    def teardown(self) -> None:
        self.loop.close()

    @rule(target=offers, route=st.integers(0, len(ROUTES) - 1), passengers=st.integers(1, 9))
    def search(self, route: int, passengers: int) -> MultipleResults[tuple[str, int]]:
        origin, destination, cabin = ROUTES[route]
        try:
            found = self.run(self.backend.search(origin, destination, DAY, passengers, cabin, 5))
        except ToolError:
            return multiple()  # an injected fault, or the day is past
        return multiple(*((offer.id, passengers) for offer in found))

    def lookup(self, key: str) -> Booking | None:
        """What the write with ``key`` did, asking again through any injected fault."""
        for _ in range(20):
            try:
                return self.run(self.backend.find_booking_by_key(key))
            except ToolError:
                continue
        raise AssertionError(f"find_booking_by_key({key!r}) never answered")

    def remember(self, key: str, booking: Booking | None) -> None:
        if booking is None:
            return
        owner = self.key_owner.setdefault(key, booking.id)
        assert owner == booking.id, f"key {key} answered {booking.id}, it wrote {owner}"
        if booking.status == "confirmed":
            self.confirmed.add(booking.id)
        else:
            self.confirmed.discard(booking.id)

    def write(self, call: Awaitable[Booking], key: str, allowed: set[str]) -> Booking | None:
        """Perform a write, settling an unknown outcome by its key; ``None`` if nothing was done."""
        refusal = None
        try:
            booking: Booking | None = self.run(call)
        except OutcomeUnknownError:
            booking = self.lookup(key)
        except ToolRefusedError as refused:
            booking, refusal = None, refused.reason
        except ToolError:
            booking = None  # refused before any work: rate limited, unavailable
        assert refusal is None or refusal in allowed, refusal
        self.remember(key, booking)
        return booking

    @rule(target=bookings, offer=offers, key=KEYS)
    def book(self, offer: tuple[str, int], key: str) -> str:
        # Offers found earlier may have sold out or left since: those must be refused.
        offer_id, passengers = offer
        call = self.backend.book(offer_id, PARTY[:passengers], key)
        booking = self.write(call, key, {"sold_out", "key_reused", "past_date"})
        return "" if booking is None else booking.id

    @rule(booking_id=bookings, key=KEYS)
    def cancel(self, booking_id: str, key: str) -> None:
        if booking_id:
            call = self.backend.cancel(booking_id, key)
            self.write(call, key, {"already_cancelled", "key_reused", "past_date"})

    @rule(booking_id=consumes(bookings))
    def read_back(self, booking_id: str) -> None:
        if not booking_id:
            return
        try:
            booking = self.run(self.backend.get_booking(booking_id))
        except ToolError:
            return
        assert booking.id == booking_id

    @precondition(lambda self: self.clock.now().date() < DAY)
    @rule(hours=st.integers(1, 24 * 30))
    def time_passes(self, hours: int) -> None:
        self.clock.advance(timedelta(hours=hours).total_seconds())

    @invariant()
    def books_balance(self) -> None:
        assert self.backend.audit() == []

    @invariant()
    def bookings_stand_as_the_model_says(self) -> None:
        standing = {b.id for b in self.backend.bookings() if b.status == "confirmed"}
        assert standing == self.confirmed


class FaultyFlightsMachine(FlightsMachine):
    """The same traffic, with a quarter of all calls failing in every way a fault can."""

    faults = FaultPlan.uniform(0.25, seed=11)


TestFlightsState = FlightsMachine.TestCase
TestFlightsStateUnderFaults = FaultyFlightsMachine.TestCase


async def test_the_audit_reports_seats_no_booking_holds(sandbox: SandboxFlightBackend) -> None:
    offer = (await sandbox.search("LIS", "MAD", DAY, 2))[0]
    booking = await sandbox.book(offer.id, PARTY[:2], "key-1")
    flights = flights_of(offer)
    assert sandbox.audit() == []

    sandbox.inventory.take(flights, "economy", 1)
    assert sandbox.audit() == [
        f"{flights[0]} economy: 3 seats taken, but confirmed bookings hold 2"
    ]

    sandbox.inventory.take(flights, "economy", -4)
    problems = sandbox.audit()
    assert len(problems) == 2
    assert "negative inventory" in problems[1]
    assert booking.id in {b.id for b in sandbox.bookings()}
