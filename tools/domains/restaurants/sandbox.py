"""``SandboxRestaurantBackend``: a deterministic, stateful, in-process restaurant service.

The world (``plangate.tools.domains.restaurants._venues``) has 7 to 9 venues in every city of
``plangate.tools.domains.world.CITIES``, seeded. Bookings take one table — the smallest free one
that seats the party — for a 90-minute seating; cancelling frees it
(``plangate.tools.domains.restaurants._inventory``). Every operation runs inside a
``plangate.tools.faults.FaultInjector``, and ``audit()`` re-derives the table inventory from the
confirmed reservations to prove the two never disagree.

Idempotency keys are honoured as the REST API promises: a repeated key returns the first reply
and changes nothing, and ``find_reservation_by_key`` finds the reservation a key booked or
cancelled.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo

from plangate.tools.clock import Clock, SystemClock
from plangate.tools.domains.restaurants import _search
from plangate.tools.domains.restaurants._hints import clock_time, describe_hours, nearest_free
from plangate.tools.domains.restaurants._inventory import Inventory, minute_of_day
from plangate.tools.domains.restaurants._rules import (
    check_key,
    check_name,
    check_party,
    local_start,
    seating_starts,
)
from plangate.tools.domains.restaurants._venues import generate_venues
from plangate.tools.domains.restaurants.listing import ReservationQuery, select
from plangate.tools.domains.restaurants.models import (
    SEATING_MINUTES,
    SLOT_MINUTES,
    Availability,
    Cuisine,
    Reservation,
    ReservationList,
    ReservationStatus,
    Slot,
    Venue,
    VenuePage,
)
from plangate.tools.errors import ToolRefusedError
from plangate.tools.faults import NO_FAULTS, FaultInjector, FaultPlan

SERVICE = "restaurants"
T = TypeVar("T")


class SandboxRestaurantBackend:
    """The restaurant service, in process.

    Args:
        seed: seeds the venues and each window's bookable tables.
        clock: time source; "now" decides what is in the past (default: the system clock).
        faults: failures and latency to inject (default: none).

    Attributes:
        venues: every venue, city by city.
        faults: the injector; ``faults.injected`` lists what struck.
    """

    def __init__(
        self, seed: int = 0, clock: Clock | None = None, faults: FaultPlan | None = None
    ) -> None:
        self.seed = seed
        self.clock: Clock = clock or SystemClock()
        self.venues: tuple[Venue, ...] = generate_venues(seed)
        self.faults = FaultInjector(faults or NO_FAULTS, self.clock, SERVICE)
        self._by_id = {venue.id: venue for venue in self.venues}
        self._inventory = Inventory(seed)
        self._reservations: dict[str, Reservation] = {}
        self._replies: dict[str, Reservation] = {}  # key -> the first reply given for it
        self._keyed: dict[str, str] = {}  # key -> the reservation it booked or cancelled
        self._asked: dict[str, tuple[Any, ...]] = {}  # key -> the write it answered

    # -- the Protocol -------------------------------------------------------------------------

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
        """Venues in ``city`` with a free table for the party, best rated first."""
        call = (
            f"{city}|{party_size}|{when.isoformat()}|{cuisine}|{max_price_level}|{limit}|{cursor}"
        )
        query = _search.Query(city, party_size, when, cuisine, max_price_level, limit, cursor)
        return await self._run("search", call, "read", lambda: _search.run(self, query))

    async def get_venue(self, venue_id: str) -> Venue:
        """The venue with this id."""
        return await self._run("get_venue", venue_id, "read", lambda: self.venue(venue_id))

    async def availability(self, venue_id: str, day: date, party_size: int) -> Availability:
        """The seatings of ``day`` not yet started, with tables left for the party."""
        call = f"{venue_id}|{day.isoformat()}|{party_size}"
        return await self._run(
            "availability", call, "read", lambda: self._availability(venue_id, day, party_size)
        )

    async def book(
        self, venue_id: str, start: datetime, party_size: int, name: str, idempotency_key: str
    ) -> Reservation:
        """Book the smallest free table seating the party; a repeated key books nothing."""
        return await self._run(
            "book",
            idempotency_key,
            "write",
            lambda: self._book(venue_id, start, party_size, name, idempotency_key),
        )

    async def cancel(self, reservation_id: str, idempotency_key: str) -> Reservation:
        """Cancel a reservation and free its table; a repeated key changes nothing."""
        return await self._run(
            "cancel",
            idempotency_key,
            "write",
            lambda: self._cancel(reservation_id, idempotency_key),
        )

    async def find_reservation_by_key(self, idempotency_key: str) -> Reservation | None:
        """The reservation booked or cancelled by the write with this key, if any."""

        def find() -> Reservation | None:
            found = self._keyed.get(idempotency_key)
            return None if found is None else self._reservations[found]

        return await self._run("find_reservation_by_key", idempotency_key, "read", find)

    async def get_reservation(self, reservation_id: str) -> Reservation:
        """The reservation with this id."""
        return await self._run(
            "get_reservation", reservation_id, "read", lambda: self._reservation(reservation_id)
        )

    async def list_reservations(self, query: ReservationQuery) -> ReservationList:
        """The reservations ``query`` matches (every one made here is the user's)."""
        return await self._run(
            "list_reservations",
            query.model_dump_json(exclude_none=True),
            "read",
            lambda: select(query, self._reservations.values(), self._by_id),
        )

    # -- audit --------------------------------------------------------------------------------

    def audit(self) -> list[str]:
        """Every broken invariant, in words; an empty list when the state is sound.

        Each window's used tables must equal the tables of the confirmed reservations
        overlapping it and never exceed what the window offers; every idempotency key must point
        at the reservation it produced.
        """
        problems = self._inventory.audit(self._by_id, self._reservations.values())
        for key, reservation_id in self._keyed.items():
            booking = self._reservations.get(reservation_id)
            if booking is None:
                problems.append(f"key {key} points at missing reservation {reservation_id}")
            elif key not in (booking.idempotency_key, booking.cancel_idempotency_key):
                problems.append(f"key {key} points at {reservation_id}, which does not carry it")
        for booking in self._reservations.values():
            if self._keyed.get(booking.idempotency_key) != booking.id:
                problems.append(f"{booking.id}: its booking key does not find it")
            cancelled = booking.status is ReservationStatus.CANCELLED
            if cancelled != (booking.cancelled_at is not None) or cancelled != (
                booking.cancel_idempotency_key is not None
            ):
                problems.append(f"{booking.id}: status {booking.status} disagrees with its fields")
        return problems

    def reservations(self) -> list[Reservation]:
        """Every reservation made, in booking order (for tests and audits)."""
        return list(self._reservations.values())

    # -- shared with the search module --------------------------------------------------------

    def venue(self, venue_id: str) -> Venue:
        """The venue with this id.

        Raises:
            ToolRefusedError: ``not_found``.
        """
        found = self._by_id.get(venue_id)
        if found is None:
            raise ToolRefusedError(
                f"no venue with id {venue_id!r}",
                reason="not_found",
                hint="use an id returned by search_restaurants, e.g. 'lis-001'",
            )
        return found

    def now_in(self, venue: Venue) -> datetime:
        """The current time in the venue's time zone."""
        return self.clock.now().astimezone(ZoneInfo(venue.timezone))

    def free_starts(self, venue: Venue, day: date, party_size: int) -> list[int]:
        """Seatings of ``day`` not yet started with a table left for the party."""
        now = self.now_in(venue)
        return [
            minute
            for minute in seating_starts(venue, day)
            if local_start(venue, day, minute) > now
            and self._inventory.tables_left(venue, day, minute, party_size) > 0
        ]

    def tables_left(self, venue: Venue, day: date, minute: int, party_size: int) -> int:
        """Free tables seating the party for the whole seating at ``minute``."""
        return self._inventory.tables_left(venue, day, minute, party_size)

    # -- the operations -----------------------------------------------------------------------

    async def _run(
        self, operation: str, key: str, effect: Literal["read", "write"], fn: Callable[[], T]
    ) -> T:
        # The operations are synchronous; the injector wants an awaitable to wrap.
        async def action() -> T:
            return fn()

        return await self.faults.run(operation, key, effect, action)

    def _availability(self, venue_id: str, day: date, party_size: int) -> Availability:
        venue = self.venue(venue_id)
        check_party(party_size, venue)
        now = self.now_in(venue)
        if day < now.date():
            raise ToolRefusedError(
                f"{day.isoformat()} is in the past in {venue.city} (today is {now.date()})",
                reason="past_date",
                hint="ask for today or a later date",
            )
        starts = seating_starts(venue, day)
        if not starts:
            raise ToolRefusedError(
                f"{venue.name} is closed on {day:%A} {day.isoformat()}",
                reason="closed",
                hint=describe_hours(venue),
            )
        slots = tuple(
            Slot(
                start=start, tables_left=self._inventory.tables_left(venue, day, minute, party_size)
            )
            for minute in starts
            if (start := local_start(venue, day, minute)) > now
        )
        return Availability(
            venue_id=venue.id,
            date=day,
            party_size=party_size,
            timezone=venue.timezone,
            slots=slots,
        )

    def _book(
        self, venue_id: str, start: datetime, party_size: int, name: str, key: str
    ) -> Reservation:
        asked = ("book", venue_id, start.isoformat(), party_size, name)
        replay = self._replies.get(key)
        if replay is not None:
            return replay if self._asked.get(key) == asked else _reused(key, replay)
        check_key(key)
        name = check_name(name)
        venue = self.venue(venue_id)
        check_party(party_size, venue)
        zone = ZoneInfo(venue.timezone)
        local = start.astimezone(zone) if start.tzinfo else start.replace(tzinfo=zone)
        day, minute = local.date(), minute_of_day(local.hour, local.minute)
        if local.second or local.microsecond or minute % SLOT_MINUTES:
            raise ToolRefusedError(
                f"{local:%H:%M:%S} is not a seating time",
                reason="invalid",
                hint="seatings start on the hour or the half hour, e.g. "
                f"{clock_time(minute - minute % SLOT_MINUTES)}",
            )
        if local <= self.now_in(venue):
            raise ToolRefusedError(
                f"{local.isoformat()} has already passed in {venue.city}",
                reason="past_date",
                hint="choose a seating later than now",
            )
        if minute not in seating_starts(venue, day):
            raise ToolRefusedError(
                f"{venue.name} has no seating at {local:%H:%M} on {day:%A} {day.isoformat()}",
                reason="closed",
                hint=describe_hours(venue),
            )
        seats = self._inventory.smallest_free(venue, day, minute, party_size)
        if seats is None:
            raise ToolRefusedError(
                f"{venue.name} has no table for {party_size} at {local:%H:%M} on {day.isoformat()}",
                reason="sold_out",
                hint=nearest_free(
                    venue, day, minute, party_size, lambda d: self.free_starts(venue, d, party_size)
                ),
            )
        self._inventory.take(venue, day, minute, seats)
        deposit = venue.deposit_per_guest * party_size if venue.deposit_per_guest else None
        booking = Reservation(
            id=f"rsv-{len(self._reservations) + 1:06d}",
            venue_id=venue.id,
            venue_name=venue.name,
            party_size=party_size,
            timezone=venue.timezone,
            start=local,
            end=local + timedelta(minutes=SEATING_MINUTES),
            name=name,
            table_seats=seats,
            status=ReservationStatus.CONFIRMED,
            deposit=deposit,
            idempotency_key=key,
            created_at=self.clock.now(),
        )
        self._asked[key] = asked
        return self._record(key, booking)

    def _cancel(self, reservation_id: str, key: str) -> Reservation:
        asked = ("cancel", reservation_id)
        replay = self._replies.get(key)
        if replay is not None:
            return replay if self._asked.get(key) == asked else _reused(key, replay)
        check_key(key)
        booking = self._reservation(reservation_id)
        if booking.status is ReservationStatus.CANCELLED:
            raise ToolRefusedError(
                f"reservation {booking.id} was already cancelled at {booking.cancelled_at}",
                reason="already_cancelled",
                hint="nothing to do: the table is already free",
            )
        venue = self.venue(booking.venue_id)
        if booking.start <= self.now_in(venue):
            raise ToolRefusedError(
                f"reservation {booking.id} started at {booking.start.isoformat()}",
                reason="past_date",
                hint="a seating that has started can no longer be cancelled",
            )
        start = minute_of_day(booking.start.hour, booking.start.minute)
        self._inventory.release(venue, booking.start.date(), start, booking.table_seats)
        cancelled = booking.model_copy(
            update={
                "status": ReservationStatus.CANCELLED,
                "cancel_idempotency_key": key,
                "cancelled_at": self.clock.now(),
            }
        )
        self._asked[key] = asked
        return self._record(key, cancelled)

    def _record(self, key: str, booking: Reservation) -> Reservation:
        self._reservations[booking.id] = booking
        self._replies[key] = booking
        self._keyed[key] = booking.id
        return booking

    def _reservation(self, reservation_id: str) -> Reservation:
        found = self._reservations.get(reservation_id)
        if found is None:
            raise ToolRefusedError(
                f"no reservation with id {reservation_id!r}",
                reason="not_found",
                hint="use the id book_table returned, e.g. 'rsv-000001'",
            )
        return found


def _reused(key: str, first: Reservation) -> Reservation:
    """Refuse a write whose idempotency key already answered a different one."""
    done = "cancelled" if first.status is ReservationStatus.CANCELLED else "booked"
    raise ToolRefusedError(
        f"idempotency key {key!r} already {done} reservation {first.id} "
        f"({first.venue_id}, {first.party_size} at {first.start.isoformat()}, {first.name})",
        reason="idempotency_key_reused",
        hint="use a new idempotency key for a different write",
    )
