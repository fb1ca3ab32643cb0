"""State audits of the sandbox: after any sequence of bookings, cancellations and passing time,
the table inventory equals what the confirmed reservations hold, exactly."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta

from hypothesis import event, given, settings
from hypothesis import strategies as st

from plangate.tools.clock import FakeClock
from plangate.tools.domains.restaurants._rules import seating_starts
from plangate.tools.domains.restaurants.models import Reservation, ReservationStatus, Venue
from plangate.tools.domains.restaurants.sandbox import SandboxRestaurantBackend
from plangate.tools.errors import ToolRefusedError

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SEED = 7
VENUES = ("lis-006", "lis-004", "lis-003")  # different table sets and closed days

book_op = st.tuples(
    st.just("book"),
    st.integers(0, len(VENUES) - 1),  # venue
    st.integers(0, 2),  # days after START
    st.integers(0, 3),  # which seating of the day: few, so bookings compete
    st.integers(1, 9),  # party size (9 is too large for every venue here)
    st.integers(0, 11),  # key: repeats replay the first reply
)
cancel_op = st.tuples(st.just("cancel"), st.integers(0, 12), st.integers(0, 6))
advance_op = st.tuples(st.just("advance"), st.integers(1, 30))
operations = st.lists(st.one_of(book_op, book_op, book_op, cancel_op, advance_op), max_size=30)


def free_by_size(
    sandbox: SandboxRestaurantBackend, venue: Venue, start: datetime
) -> dict[int, int]:
    """Free tables per size for the seating at ``start``, from the public counts."""
    minute = start.hour * 60 + start.minute
    left = {
        g.seats: sandbox.tables_left(venue, start.date(), minute, g.seats) for g in venue.tables
    }
    sizes = [g.seats for g in venue.tables]
    return {
        s: left[s] - (left[sizes[i + 1]] if i + 1 < len(sizes) else 0) for i, s in enumerate(sizes)
    }


async def attempt(call: Awaitable[Reservation]) -> tuple[Reservation | None, str | None]:
    """The reservation, or the reason it was refused."""
    try:
        return await call, None
    except ToolRefusedError as exc:
        return None, exc.reason


async def replay(ops: list[tuple[object, ...]]) -> None:
    clock = FakeClock(START)
    sandbox = SandboxRestaurantBackend(seed=SEED, clock=clock)
    replies: dict[str, Reservation] = {}
    asked: dict[str, tuple[object, ...]] = {}  # key -> the write it first answered
    confirmed = 0
    for op in ops:
        if op[0] == "book":
            _, v, days, index, party, k = op
            assert isinstance(v, int)
            assert isinstance(days, int)
            assert isinstance(index, int)
            assert isinstance(party, int)
            venue = sandbox.venue(VENUES[v])
            day = START.date() + timedelta(days=days)
            starts = seating_starts(venue, day) or [19 * 60]
            minute = starts[index % len(starts)]
            start = datetime(day.year, day.month, day.day, minute // 60, minute % 60)
            key = f"book-{k}"
            local = start.replace(tzinfo=sandbox.now_in(venue).tzinfo)
            before = free_by_size(sandbox, venue, local)
            booked, refusal = await attempt(sandbox.book(venue.id, start, party, "Guest", key))
            write = ("book", venue.id, start, party)
            if booked is None and key in replies:  # the key answered another write: refused
                assert refusal == "idempotency_key_reused"
                assert asked[key] != write
                assert free_by_size(sandbox, venue, local) == before
            elif booked is None:
                assert refusal in {"sold_out", "closed", "past_date", "party_too_large"}
                event(f"book refused: {refusal}")
                assert free_by_size(sandbox, venue, local) == before
            else:
                if key in replies:
                    assert asked[key] == write
                    assert booked == replies[key]
                    assert free_by_size(sandbox, venue, local) == before
                else:
                    fitting = [s for s, free in before.items() if s >= party and free > 0]
                    assert booked.table_seats == min(fitting)  # the smallest fitting table
                    after = free_by_size(sandbox, venue, local)
                    assert after[booked.table_seats] == before[booked.table_seats] - 1
                    replies[key] = booked
                    asked[key] = write
                    confirmed += 1
                    event("fresh booking")
        elif op[0] == "cancel":
            _, index, k = op
            assert isinstance(index, int)
            made = sandbox.reservations()
            target = made[index % len(made)].id if made else "rsv-999999"
            key = f"cancel-{k}"
            cancelled, refusal = await attempt(sandbox.cancel(target, key))
            write = ("cancel", target)
            if cancelled is None and key in replies:
                assert refusal == "idempotency_key_reused"
                assert asked[key] != write
            elif cancelled is None:
                assert refusal in {"already_cancelled", "past_date", "not_found"}
                event(f"cancel refused: {refusal}")
            else:
                if key in replies:
                    assert asked[key] == write
                    assert cancelled == replies[key]
                else:
                    assert cancelled.status is ReservationStatus.CANCELLED
                    replies[key] = cancelled
                    asked[key] = write
                    confirmed -= 1
                    event("cancellation")
        else:
            hours = op[1]
            assert isinstance(hours, int)
            clock.advance(hours * 3600)
        assert sandbox.audit() == []
    statuses = [r.status for r in sandbox.reservations()]
    assert statuses.count(ReservationStatus.CONFIRMED) == confirmed


@settings(max_examples=150)
@given(operations)
def test_any_sequence_keeps_the_inventory_exact(ops: list[tuple[object, ...]]) -> None:
    asyncio.run(replay(ops))


lookups = st.lists(
    st.tuples(st.sampled_from(VENUES), st.integers(1, 6), st.integers(1, 8)),
    min_size=1,
    max_size=6,
)


@given(lookups)
def test_availability_does_not_depend_on_lookup_order(
    looked_up: list[tuple[str, int, int]],
) -> None:
    """Windows are drawn lazily, yet each one is the same whenever it is first looked at."""

    async def look(order: list[tuple[str, int, int]]) -> dict[tuple[str, int, int], object]:
        sandbox = SandboxRestaurantBackend(seed=SEED, clock=FakeClock(START))
        seen: dict[tuple[str, int, int], object] = {}
        for venue_id, days, party in order:
            try:
                found = await sandbox.availability(
                    venue_id, START.date() + timedelta(days=days), party
                )
                seen[(venue_id, days, party)] = found.model_dump(mode="json")
            except ToolRefusedError as exc:
                seen[(venue_id, days, party)] = exc.reason
        return seen

    forward = asyncio.run(look(looked_up))
    backward = asyncio.run(look(list(reversed(looked_up))))
    assert forward == backward


async def test_audit_reports_a_window_that_disagrees_with_the_reservations() -> None:
    sandbox = SandboxRestaurantBackend(seed=SEED, clock=FakeClock(START))
    booked = await sandbox.book("lis-006", datetime(2026, 3, 5, 19, 0), 2, "Ada", "k1")
    venue = sandbox.venue("lis-006")
    assert sandbox.audit() == []
    window = sandbox._inventory.window(venue, booked.start.date(), 19 * 60 + 30)
    window.used[2] += 1
    assert any("19:30: used {2: 2} != reserved {2: 1}" in p for p in sandbox.audit())
    window.used[2] = window.capacity[2] + 1
    assert any("bookable" in problem for problem in sandbox.audit())


async def test_audit_reports_a_key_pointing_nowhere() -> None:
    sandbox = SandboxRestaurantBackend(seed=SEED, clock=FakeClock(START))
    await sandbox.book("lis-006", datetime(2026, 3, 5, 19, 0), 2, "Ada", "k1")
    sandbox._keyed["ghost"] = "rsv-000404"
    assert sandbox.audit() == ["key ghost points at missing reservation rsv-000404"]
