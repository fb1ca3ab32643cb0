"""The contract every ``RestaurantBackend`` honours, run in process and over HTTP on loopback.

Each test runs a scenario on the backend under test and on a reference sandbox with the same
seed and the same time, and requires identical outcomes: results compared as JSON, errors by type,
reason and hint. The assertions after that pin what the outcome must be.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from plangate.tools.clock import FakeClock
from plangate.tools.domains.restaurants.backend import RestaurantBackend
from plangate.tools.domains.restaurants.http import HttpRestaurantBackend
from plangate.tools.domains.restaurants.models import Cuisine
from plangate.tools.domains.restaurants.routes import PREFIX, router
from plangate.tools.domains.restaurants.sandbox import SandboxRestaurantBackend
from plangate.tools.domains.server import create_app, serve_in_thread
from plangate.tools.errors import ToolError, ToolRefusedError

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday, 09:00 in Lisbon
SEED = 7
VENUE_ID = "lis-006"  # every table size, lunch and dinner, closed on Tuesdays
LISBON = ZoneInfo("Europe/Lisbon")
MONDAY = START.date()
TUESDAY = MONDAY + timedelta(days=1)  # the venue is closed
THURSDAY = MONDAY + timedelta(days=3)

PARIS_TWO_PM_THURSDAY = datetime(2026, 3, 5, 14, 0, tzinfo=ZoneInfo("Europe/Paris"))

Scenario = Callable[[RestaurantBackend, FakeClock], Awaitable[Any]]


@dataclass
class Contract:
    """The backend under test, and a reference sandbox to compare it with."""

    backend: RestaurantBackend
    clock: FakeClock

    async def both(self, scenario: Scenario) -> Any:
        """Run ``scenario`` on the backend and on a fresh reference; require the same outcome."""
        got = await scenario(self.backend, self.clock)
        reference_clock = FakeClock(START)
        want = await scenario(
            SandboxRestaurantBackend(seed=SEED, clock=reference_clock), reference_clock
        )
        assert got == want
        return got


@pytest.fixture(params=["sandbox", "http"])
async def contract(request: pytest.FixtureRequest) -> AsyncIterator[Contract]:
    """A fresh backend per test: the sandbox itself, or HTTP to a sandbox served on loopback."""
    clock = FakeClock(START)
    sandbox = SandboxRestaurantBackend(seed=SEED, clock=clock)
    if request.param == "sandbox":
        yield Contract(sandbox, clock)
        return
    with serve_in_thread(create_app([(PREFIX, router(sandbox))])) as url:
        http = HttpRestaurantBackend(url + PREFIX, clock=clock)
        try:
            yield Contract(http, clock)
        finally:
            await http.aclose()


async def observe(call: Awaitable[Any]) -> Any:
    """The outcome of ``call`` as comparable data."""
    try:
        result = await call
    except ToolRefusedError as exc:
        return {"error": "ToolRefusedError", "reason": exc.reason, "hint": exc.hint}
    except ToolError as exc:
        return {"error": type(exc).__name__}
    return None if result is None else result.model_dump(mode="json")


def refused(reason: str) -> Callable[[Any], bool]:
    return lambda outcome: (
        outcome.get("error") == "ToolRefusedError" and outcome["reason"] == reason
    )


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A naive local time, as a model would write it."""
    return datetime(day.year, day.month, day.day, hour, minute)


def left_at(availability: dict[str, Any], hour: int, minute: int = 0) -> int:
    wanted = f"T{hour:02d}:{minute:02d}:00"
    return int(next(s["tables_left"] for s in availability["slots"] if wanted in s["start"]))


# -- search ---------------------------------------------------------------------------------------


async def test_search_pages_cover_the_city_once_best_rated_first(contract: Contract) -> None:
    async def scenario(backend: RestaurantBackend, clock: FakeClock) -> Any:
        pages, cursor = [], None
        while True:
            page = await backend.search("Lisbon", 2, THURSDAY, limit=3, cursor=cursor)
            pages.append(page.model_dump(mode="json"))
            if page.next_cursor is None:
                return pages
            cursor = page.next_cursor

    pages = await contract.both(scenario)
    venues = [venue for page in pages for venue in page["data"]]
    ids = [venue["id"] for venue in venues]
    lisbon = SandboxRestaurantBackend(seed=SEED).venues
    assert sorted(ids) == sorted(v.id for v in lisbon if v.city == "Lisbon")
    assert len(pages) == -(-len(ids) // 3)
    assert [v["rating"] for v in venues] == sorted((v["rating"] for v in venues), reverse=True)
    whole = await contract.backend.search("Lisbon", 2, THURSDAY, limit=50)
    assert [venue.id for venue in whole.data] == ids
    assert whole.next_cursor is None


async def test_search_filters_by_cuisine_price_party_and_time(contract: Contract) -> None:
    async def scenario(backend: RestaurantBackend, clock: FakeClock) -> Any:
        return [
            await observe(backend.search("lisbon", 2, THURSDAY, cuisine=Cuisine.SEAFOOD)),
            await observe(backend.search("Lisbon", 2, THURSDAY, max_price_level=1)),
            await observe(backend.search("Lisbon", 7, THURSDAY, limit=50)),
            await observe(backend.search("Lisbon", 2, at(THURSDAY, 13), limit=50)),
            await observe(backend.search("Lisbon", 2, PARIS_TWO_PM_THURSDAY, limit=50)),
        ]

    seafood, cheap, seven, lunch, aware = await contract.both(scenario)
    assert aware == lunch  # 14:00 in Paris is 13:00 in Lisbon
    assert seafood["data"]
    assert {v["cuisine"] for v in seafood["data"]} == {"seafood"}
    assert cheap["data"]
    assert {v["price_level"] for v in cheap["data"]} == {1}
    assert seven["data"]
    assert all(v["tables"][-1]["seats"] >= 7 for v in seven["data"])
    reference = SandboxRestaurantBackend(seed=SEED, clock=FakeClock(START))
    lisbon = [v for v in reference.venues if v.city == "Lisbon"]
    with_lunch = {
        v.id for v in lisbon if any(s.name == "lunch" for s in v.hours_on(THURSDAY).services)
    }
    assert {v["id"] for v in lunch["data"]} == with_lunch


async def test_search_refusals(contract: Contract) -> None:
    async def scenario(backend: RestaurantBackend, clock: FakeClock) -> Any:
        return [
            await observe(backend.search("Atlantis", 2, THURSDAY)),
            await observe(backend.search("Lisbon", 2, MONDAY - timedelta(days=1))),
            await observe(backend.search("Lisbon", 2, at(MONDAY, 8))),
            await observe(backend.search("Lisbon", 2, THURSDAY, cursor="not-a-cursor")),
            await observe(backend.search("Lisbon", 21, THURSDAY)),
            await observe(backend.search("Lisbon", 0, THURSDAY)),
            await observe(backend.search("Lisbon", 2, THURSDAY, limit=0)),
            await observe(backend.search("Lisbon", 2, THURSDAY, max_price_level=5)),
        ]

    outcomes = await contract.both(scenario)
    reasons = [outcome["reason"] for outcome in outcomes]
    assert reasons == [
        "not_found", "past_date", "past_date", "invalid", "party_too_large", "invalid", "invalid",
        "invalid",
    ]  # fmt: skip
    assert "Lisbon" in outcomes[0]["hint"]
    assert "20" in outcomes[4]["hint"]


# -- venues and availability ----------------------------------------------------------------------


async def test_get_venue(contract: Contract) -> None:
    async def scenario(backend: RestaurantBackend, clock: FakeClock) -> Any:
        return [
            await observe(backend.get_venue(VENUE_ID)),
            await observe(backend.get_venue("nowhere-1")),
        ]

    found, missing = await contract.both(scenario)
    assert found["id"] == VENUE_ID
    assert found["city"] == "Lisbon"
    assert found["timezone"] == "Europe/Lisbon"
    assert refused("not_found")(missing)


async def test_availability_lists_future_seatings_in_local_time(contract: Contract) -> None:
    async def scenario(backend: RestaurantBackend, clock: FakeClock) -> Any:
        thursday = await observe(backend.availability(VENUE_ID, THURSDAY, 2))
        clock.advance(3 * 3600 + 45 * 60)  # 12:45 in Lisbon: the 12:30 seating began
        today = await observe(backend.availability(VENUE_ID, MONDAY, 2))
        return [thursday, today]

    thursday, today = await contract.both(scenario)
    venue = SandboxRestaurantBackend(seed=SEED).venue(VENUE_ID)
    expected = [
        datetime.combine(THURSDAY, datetime.min.time(), LISBON) + timedelta(minutes=minute)
        for service in venue.hours_on(THURSDAY).services
        for minute in service.seating_starts()
    ]
    assert [datetime.fromisoformat(s["start"]) for s in thursday["slots"]] == expected
    assert all(s["tables_left"] >= 0 for s in thursday["slots"])
    assert thursday["timezone"] == "Europe/Lisbon"
    assert thursday["date"] == THURSDAY.isoformat()
    starts = [datetime.fromisoformat(s["start"]) for s in today["slots"]]
    assert starts
    assert min(starts) == datetime(2026, 3, 2, 13, 0, tzinfo=LISBON)


async def test_availability_refusals(contract: Contract) -> None:
    async def scenario(backend: RestaurantBackend, clock: FakeClock) -> Any:
        return [
            await observe(backend.availability(VENUE_ID, TUESDAY, 2)),
            await observe(backend.availability(VENUE_ID, MONDAY - timedelta(days=1), 2)),
            await observe(backend.availability(VENUE_ID, THURSDAY, 9)),
            await observe(backend.availability("nowhere-1", THURSDAY, 2)),
            await observe(backend.availability(VENUE_ID, THURSDAY, 0)),
        ]

    closed, past, too_many, missing, empty = await contract.both(scenario)
    assert refused("closed")(closed)
    assert "Tuesday closed" in closed["hint"]
    assert refused("past_date")(past)
    assert refused("party_too_large")(too_many)
    assert "at most 8" in too_many["hint"]
    assert refused("not_found")(missing)
    assert refused("invalid")(empty)


# -- booking --------------------------------------------------------------------------------------


async def test_booking_takes_one_table_and_is_found_by_id_and_key(contract: Contract) -> None:
    async def scenario(backend: RestaurantBackend, clock: FakeClock) -> Any:
        before = await observe(backend.availability(VENUE_ID, THURSDAY, 2))
        booked = await observe(backend.book(VENUE_ID, at(THURSDAY, 19), 2, " Ada ", "key-1"))
        return [
            before,
            booked,
            await observe(backend.availability(VENUE_ID, THURSDAY, 2)),
            await observe(backend.get_reservation(booked["id"])),
            await observe(backend.find_reservation_by_key("key-1")),
            await observe(backend.find_reservation_by_key("never-used")),
        ]

    before, booked, after, by_id, by_key, unknown = await contract.both(scenario)
    assert booked["status"] == "confirmed"
    assert booked["name"] == "Ada"
    assert datetime.fromisoformat(booked["start"]) == datetime(2026, 3, 5, 19, 0, tzinfo=LISBON)
    assert datetime.fromisoformat(booked["end"]) == datetime(2026, 3, 5, 20, 30, tzinfo=LISBON)
    assert booked["table_seats"] == 2
    assert booked["idempotency_key"] == "key-1"
    assert booked["deposit"] is None  # price level 1 asks no deposit
    assert booked["created_at"] == "2026-03-02T09:00:00Z"
    assert by_id == booked
    assert by_key == booked
    assert unknown is None
    assert left_at(after, 19) == left_at(before, 19) - 1
    assert left_at(after, 20, 30) == left_at(before, 20, 30)  # starts after the table is free
    for hour, minute in ((18, 30), (19, 30), (20, 0)):  # overlapping seatings lose at most one
        assert left_at(before, hour, minute) - left_at(after, hour, minute) in (0, 1)


async def test_repeated_key_returns_the_first_reservation_and_books_nothing(
    contract: Contract,
) -> None:
    async def scenario(backend: RestaurantBackend, clock: FakeClock) -> Any:
        first = await observe(backend.book(VENUE_ID, at(THURSDAY, 19), 2, "Ada", "key-1"))
        middle = await observe(backend.availability(VENUE_ID, THURSDAY, 2))
        clock.advance(60)
        again = await observe(backend.book(VENUE_ID, at(THURSDAY, 19), 2, "Ada", "key-1"))
        other = await observe(backend.book(VENUE_ID, at(THURSDAY, 21), 4, "Bob", "key-1"))
        after = await observe(backend.availability(VENUE_ID, THURSDAY, 2))
        return [first, again, other, middle, after]

    first, again, other, middle, after = await contract.both(scenario)
    assert again == first
    # The same key for a different booking is a reused key (409 over HTTP): nothing is booked.
    assert other["error"] == "ToolRefusedError"
    assert other["reason"] == "idempotency_key_reused"
    assert after == middle


async def test_booking_reads_an_aware_start_in_the_venue_zone(contract: Contract) -> None:
    paris_eight = datetime(2026, 3, 5, 20, 0, tzinfo=ZoneInfo("Europe/Paris"))

    async def scenario(backend: RestaurantBackend, clock: FakeClock) -> Any:
        return await observe(backend.book(VENUE_ID, paris_eight, 3, "Ada", "key-tz"))

    booked = await contract.both(scenario)
    start = datetime.fromisoformat(booked["start"])
    assert start == paris_eight
    assert start.utcoffset() == timedelta(0)
    assert booked["table_seats"] == 4  # the smallest table seating three


async def test_booking_refusals(contract: Contract) -> None:
    async def scenario(backend: RestaurantBackend, clock: FakeClock) -> Any:
        calls = [
            (VENUE_ID, at(MONDAY, 8), 2, "Ada", "k1"),
            (VENUE_ID, at(TUESDAY, 19), 2, "Ada", "k2"),
            (VENUE_ID, at(THURSDAY, 16), 2, "Ada", "k3"),
            (VENUE_ID, at(THURSDAY, 21, 30), 2, "Ada", "k4"),
            (VENUE_ID, at(THURSDAY, 19, 15), 2, "Ada", "k5"),
            (VENUE_ID, at(THURSDAY, 19), 9, "Ada", "k6"),
            (VENUE_ID, at(THURSDAY, 19), 21, "Ada", "k7"),
            ("nowhere-1", at(THURSDAY, 19), 2, "Ada", "k8"),
            (VENUE_ID, at(THURSDAY, 19), 2, "  ", "k9"),
            (VENUE_ID, at(THURSDAY, 19), 2, "Ada", ""),
        ]
        outcomes = [await observe(backend.book(*call)) for call in calls]
        return [*outcomes, await observe(backend.find_reservation_by_key("k2"))]

    *outcomes, nothing = await contract.both(scenario)
    assert [outcome["reason"] for outcome in outcomes] == [
        "past_date", "closed", "closed", "closed", "invalid", "party_too_large",
        "party_too_large", "not_found", "invalid", "invalid",
    ]  # fmt: skip
    assert "Opening hours" in outcomes[1]["hint"]
    assert "dinner 18:30-22:30" in outcomes[3]["hint"]
    assert "19:00" in outcomes[4]["hint"]
    assert nothing is None


async def test_sold_out_names_the_nearest_free_seatings(contract: Contract) -> None:
    async def scenario(backend: RestaurantBackend, clock: FakeClock) -> Any:
        free = await backend.availability(VENUE_ID, THURSDAY, 7)
        left = next(s.tables_left for s in free.slots if s.start.hour == 19 and s.start.minute == 0)
        booked = [
            await observe(backend.book(VENUE_ID, at(THURSDAY, 19), 7, f"Party {n}", f"big-{n}"))
            for n in range(left)
        ]
        extra = await observe(backend.book(VENUE_ID, at(THURSDAY, 19), 7, "Late", "big-x"))
        return [left, booked, extra]

    left, booked, extra = await contract.both(scenario)
    assert left >= 1
    assert all(b["status"] == "confirmed" and b["table_seats"] == 8 for b in booked)
    assert refused("sold_out")(extra)
    assert "Free seatings for 7 on 2026-03-05" in extra["hint"]


# -- cancelling -----------------------------------------------------------------------------------


async def test_cancelling_frees_the_table_once(contract: Contract) -> None:
    async def scenario(backend: RestaurantBackend, clock: FakeClock) -> Any:
        before = await observe(backend.availability(VENUE_ID, THURSDAY, 2))
        booked = await backend.book(VENUE_ID, at(THURSDAY, 19), 2, "Ada", "book-1")
        clock.advance(600)
        return [
            before,
            await observe(backend.cancel(booked.id, "cancel-1")),
            await observe(backend.cancel(booked.id, "cancel-1")),
            await observe(backend.cancel(booked.id, "cancel-2")),
            await observe(backend.availability(VENUE_ID, THURSDAY, 2)),
            await observe(backend.find_reservation_by_key("cancel-1")),
            await observe(backend.get_reservation(booked.id)),
            await observe(backend.cancel("rsv-999999", "cancel-3")),
        ]

    before, cancelled, again, other, after, by_key, by_id, missing = await contract.both(scenario)
    assert cancelled["status"] == "cancelled"
    assert cancelled["cancel_idempotency_key"] == "cancel-1"
    assert cancelled["cancelled_at"] == "2026-03-02T09:10:00Z"
    assert again == cancelled
    assert by_key == cancelled
    assert by_id == cancelled
    assert refused("already_cancelled")(other)
    assert after == before
    assert refused("not_found")(missing)


async def test_a_started_seating_cannot_be_cancelled(contract: Contract) -> None:
    async def scenario(backend: RestaurantBackend, clock: FakeClock) -> Any:
        booked = await backend.book(VENUE_ID, at(MONDAY, 12, 30), 2, "Ada", "book-1")
        clock.advance(4 * 3600)  # 13:00 in Lisbon
        return [
            await observe(backend.cancel(booked.id, "cancel-1")),
            await observe(backend.get_reservation(booked.id)),
        ]

    late, still = await contract.both(scenario)
    assert refused("past_date")(late)
    assert still["status"] == "confirmed"
