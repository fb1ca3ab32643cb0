"""The sandbox's world and rules: seeded venues, table choice, overlapping seatings, hints."""

from __future__ import annotations

import contextlib
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from plangate.tools.clock import FakeClock
from plangate.tools.domains.restaurants.models import Cuisine, Venue
from plangate.tools.domains.restaurants.sandbox import SandboxRestaurantBackend
from plangate.tools.domains.world import CITIES
from plangate.tools.errors import ToolRefusedError

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday, 09:00 in Lisbon
THURSDAY = date(2026, 3, 5)
VENUE_ID = "lis-006"  # tables of 2, 4, 6 and 8; lunch and dinner; closed on Tuesdays


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def sandbox(clock: FakeClock) -> SandboxRestaurantBackend:
    return SandboxRestaurantBackend(seed=7, clock=clock)


def seating(hour: int, minute: int = 0, day: date = THURSDAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute)


async def left(
    sandbox: SandboxRestaurantBackend, party: int, day: date = THURSDAY
) -> dict[str, int]:
    found = await sandbox.availability(VENUE_ID, day, party)
    return {f"{s.start:%H:%M}": s.tables_left for s in found.slots}


# -- the seeded world -----------------------------------------------------------------------------


def test_every_city_has_at_least_seven_venues() -> None:
    venues = SandboxRestaurantBackend(seed=0).venues
    per_city = Counter(venue.city for venue in venues)
    assert len(venues) >= 200
    assert set(per_city) == set(CITIES)
    assert min(per_city.values()) >= 7
    assert len({venue.id for venue in venues}) == len(venues)
    assert all(len({v.name for v in venues if v.city == city}) == per_city[city] for city in CITIES)


def test_the_world_uses_the_variety_it_declares() -> None:
    venues = SandboxRestaurantBackend(seed=0).venues
    assert {v.cuisine for v in venues} == set(Cuisine)
    assert {v.price_level for v in venues} == {1, 2, 3, 4}
    assert {g.seats for v in venues for g in v.tables} == {2, 4, 6, 8}
    assert any(not day.services for v in venues for day in v.opening_hours)  # closed days
    assert any(len(day.services) == 2 for v in venues for day in v.opening_hours)  # lunch+dinner
    deposits = {v.price_level: v.deposit_per_guest is not None for v in venues}
    assert deposits == {1: False, 2: False, 3: True, 4: True}
    tokyo = next(v for v in venues if v.city == "Tokyo" and v.deposit_per_guest is not None)
    assert tokyo.deposit_per_guest is not None
    assert tokyo.deposit_per_guest.currency == "JPY"
    assert tokyo.timezone == "Asia/Tokyo"


def test_the_same_seed_gives_the_same_world_and_another_seed_another() -> None:
    def dump(seed: int) -> list[dict[str, object]]:
        return [
            venue.model_dump(mode="json") for venue in SandboxRestaurantBackend(seed=seed).venues
        ]

    assert dump(3) == dump(3)
    assert dump(3) != dump(4)


async def test_inventory_is_the_same_for_the_same_seed_and_varies_by_day(
    clock: FakeClock,
) -> None:
    one = SandboxRestaurantBackend(seed=7, clock=clock)
    two = SandboxRestaurantBackend(seed=7, clock=clock)
    days = [await left(one, 2, THURSDAY + timedelta(days=n)) for n in (0, 1, 2)]
    assert days == [await left(two, 2, THURSDAY + timedelta(days=n)) for n in (0, 1, 2)]
    assert len({tuple(day.values()) for day in days}) > 1


# -- tables and seatings --------------------------------------------------------------------------


async def test_a_booking_takes_the_smallest_free_table_that_fits(
    sandbox: SandboxRestaurantBackend,
) -> None:
    fit_3, fit_5, fit_7 = [(await left(sandbox, n))["19:00"] for n in (3, 5, 7)]
    free = {4: fit_3 - fit_5, 6: fit_5 - fit_7, 8: fit_7}  # free tables of each size at 19:00
    assert free[4] >= 1
    seats = [
        (await sandbox.book(VENUE_ID, seating(19), 3, "Ada", f"k{n}")).table_seats
        for n in range(fit_3)
    ]
    assert seats == [4] * free[4] + [6] * free[6] + [8] * free[8]  # smallest first
    with pytest.raises(ToolRefusedError) as caught:
        await sandbox.book(VENUE_ID, seating(19), 3, "Ada", "one-too-many")
    assert caught.value.reason == "sold_out"
    assert (await left(sandbox, 2))["19:00"] >= 1  # two-seat tables are left, but too small
    assert sandbox.audit() == []


async def test_a_seating_holds_its_table_for_ninety_minutes(
    sandbox: SandboxRestaurantBackend,
) -> None:
    before = await left(sandbox, 7)
    for n in range(before["19:00"]):
        await sandbox.book(VENUE_ID, seating(19), 7, f"Party {n}", f"k{n}")
    after = await left(sandbox, 7)
    assert after["19:00"] == 0
    overlapping = [t for t in before if abs(_minutes(t) - 19 * 60) < 90 and t != "19:00"]
    assert overlapping == ["18:30", "19:30", "20:00"]  # dinner opens at 18:30
    assert all(after[t] <= before[t] for t in overlapping)
    assert any(before[t] > 0 and after[t] == 0 for t in overlapping)  # held beyond 19:00
    assert {t: after[t] for t in before if t not in overlapping and t != "19:00"} == {
        t: before[t] for t in before if t not in overlapping and t != "19:00"
    }


async def test_cancelling_gives_the_table_back(sandbox: SandboxRestaurantBackend) -> None:
    before = await left(sandbox, 2)
    booked = await sandbox.book(VENUE_ID, seating(19), 2, "Ada", "k1")
    assert (await left(sandbox, 2))["19:00"] == before["19:00"] - 1
    await sandbox.cancel(booked.id, "c1")
    assert await left(sandbox, 2) == before
    assert sandbox.audit() == []


async def test_a_deposit_is_charged_per_guest(sandbox: SandboxRestaurantBackend) -> None:
    pricey = next(
        v for v in sandbox.venues if v.city == "Lisbon" and v.deposit_per_guest is not None
    )
    day = next_open_day(pricey, THURSDAY)
    start = pricey.hours_on(day).services[-1].opens
    booked = await sandbox.book(pricey.id, datetime.combine(day, start), 4, "Ada", "k1")
    assert pricey.deposit_per_guest is not None
    assert booked.deposit == pricey.deposit_per_guest * 4


# -- refusals and their hints ---------------------------------------------------------------------


async def test_sold_out_points_to_the_nearest_free_seatings_that_day(
    sandbox: SandboxRestaurantBackend,
) -> None:
    for n in range((await left(sandbox, 7))["19:00"]):
        await sandbox.book(VENUE_ID, seating(19), 7, f"Party {n}", f"k{n}")
    free = await left(sandbox, 7)
    nearest = sorted((t for t, n in free.items() if n), key=lambda t: abs(_minutes(t) - 19 * 60))
    with pytest.raises(ToolRefusedError) as caught:
        await sandbox.book(VENUE_ID, seating(19), 7, "Late", "late")
    assert caught.value.reason == "sold_out"
    assert caught.value.hint.endswith(", ".join(sorted(nearest[:3])) + ".")


async def test_a_full_day_points_to_the_next_day_with_a_table(
    sandbox: SandboxRestaurantBackend,
) -> None:
    for time, count in (await left(sandbox, 7)).items():
        hour, minute = map(int, time.split(":"))
        for n in range(count):
            # An overlapping seating may have taken the table first: that one is sold out.
            with contextlib.suppress(ToolRefusedError):
                await sandbox.book(VENUE_ID, seating(hour, minute), 7, "Big", f"{time}-{n}")
    assert not any((await left(sandbox, 7)).values())
    with pytest.raises(ToolRefusedError) as caught:
        await sandbox.book(VENUE_ID, seating(19), 7, "Late", "late")
    assert "Nothing left for 7 on 2026-03-05" in caught.value.hint
    assert "Friday 2026-03-06" in caught.value.hint
    assert sandbox.audit() == []


async def test_closed_hint_describes_the_week(sandbox: SandboxRestaurantBackend) -> None:
    with pytest.raises(ToolRefusedError) as caught:
        await sandbox.availability(VENUE_ID, THURSDAY - timedelta(days=2), 2)
    assert caught.value.reason == "closed"
    name = sandbox.venue(VENUE_ID).name
    assert caught.value.hint == (
        f"Opening hours of {name}: Monday lunch 12:30-14:30, dinner 18:30-22:30; "
        "Tuesday closed; Wednesday-Sunday lunch 12:30-14:30, dinner 18:30-22:30. "
        "Seatings start every 30 minutes, the last one 90 minutes before closing."
    )


async def test_time_decides_what_is_past(
    sandbox: SandboxRestaurantBackend, clock: FakeClock
) -> None:
    booked = await sandbox.book(VENUE_ID, seating(19), 2, "Ada", "k1")
    clock.advance(timedelta(days=3, hours=10, minutes=1).total_seconds())  # Thu 19:01 Lisbon
    with pytest.raises(ToolRefusedError) as caught:
        await sandbox.cancel(booked.id, "c1")
    assert caught.value.reason == "past_date"
    with pytest.raises(ToolRefusedError) as caught:
        await sandbox.book(VENUE_ID, seating(19), 2, "Bob", "k2")
    assert caught.value.reason == "past_date"
    remaining = await sandbox.availability(VENUE_ID, THURSDAY, 2)
    assert min(slot.start for slot in remaining.slots).hour == 19
    assert min(slot.start for slot in remaining.slots).minute == 30


async def test_timestamps_come_from_the_clock(
    sandbox: SandboxRestaurantBackend, clock: FakeClock
) -> None:
    clock.advance(90)
    booked = await sandbox.book(VENUE_ID, seating(19), 2, "Ada", "k1")
    assert booked.created_at == START + timedelta(seconds=90)
    clock.advance(30)
    cancelled = await sandbox.cancel(booked.id, "c1")
    assert cancelled.cancelled_at == START + timedelta(seconds=120)
    assert cancelled.created_at == booked.created_at


def next_open_day(venue: Venue, day: date) -> date:
    while not venue.hours_on(day).services:
        day += timedelta(days=1)
    return day


def _minutes(clock_time: str) -> int:
    hour, minute = map(int, clock_time.split(":"))
    return hour * 60 + minute
