"""Listing the user's reservations: the filters of ``ReservationQuery``, in the sandbox and as a tool."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from pydantic import ValidationError

from plangate.tools.clock import FakeClock
from plangate.tools.domains.restaurants.listing import ReservationQuery, names_venue
from plangate.tools.domains.restaurants.models import Reservation, ReservationList
from plangate.tools.domains.restaurants.sandbox import SandboxRestaurantBackend
from plangate.tools.domains.restaurants.tools import TOOLS, list_reservations
from plangate.tools.errors import ToolArgsError
from plangate.tools.executor import ToolExecutor
from plangate.tools.registry import Toolset

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
THURSDAY = date(2026, 3, 5)
FRIDAY = date(2026, 3, 6)


@pytest.fixture
def sandbox() -> SandboxRestaurantBackend:
    return SandboxRestaurantBackend(seed=7, clock=FakeClock(START))


async def book(sandbox: SandboxRestaurantBackend, venue_id: str, start: datetime) -> Reservation:
    return await sandbox.book(venue_id, start, 2, "Ada", f"key-{venue_id}-{start.isoformat()}")


@pytest.fixture
async def booked(sandbox: SandboxRestaurantBackend) -> dict[str, Reservation]:
    """Lunch and dinner on Thursday, dinner on Friday, one cancelled: all in Lisbon."""
    made = {
        "thursday_lunch": await book(sandbox, "lis-006", datetime(2026, 3, 5, 13)),
        "thursday_dinner": await book(sandbox, "lis-006", datetime(2026, 3, 5, 19)),
        "thursday_late": await book(sandbox, "lis-003", datetime(2026, 3, 5, 21)),
        "friday_dinner": await book(sandbox, "lis-001", datetime(2026, 3, 6, 20)),
    }
    made["friday_dinner"] = await sandbox.cancel(made["friday_dinner"].id, "cancel-friday")
    return made


def ids(found: ReservationList) -> list[str]:
    return [booking.id for booking in found.data]


async def test_no_filter_lists_every_reservation_earliest_first(
    sandbox: SandboxRestaurantBackend, booked: dict[str, Reservation]
) -> None:
    found = await sandbox.list_reservations(ReservationQuery())
    assert found.count == 4
    assert [b.start for b in found.data] == sorted(b.start for b in booked.values())


async def test_a_date_and_a_window_of_the_day_pick_tonight(
    sandbox: SandboxRestaurantBackend, booked: dict[str, Reservation]
) -> None:
    tonight = ReservationQuery(date=THURSDAY, time_from=time(17), status="confirmed")
    found = await sandbox.list_reservations(tonight)
    assert ids(found) == [booked["thursday_dinner"].id, booked["thursday_late"].id]
    at_seven = ReservationQuery(date=THURSDAY, time_from=time(19), time_to=time(19))
    assert ids(await sandbox.list_reservations(at_seven)) == [booked["thursday_dinner"].id]
    lunch = ReservationQuery(date=THURSDAY, time_to=time(16, 59))
    assert ids(await sandbox.list_reservations(lunch)) == [booked["thursday_lunch"].id]


async def test_a_date_range_and_the_status(
    sandbox: SandboxRestaurantBackend, booked: dict[str, Reservation]
) -> None:
    friday_on = ReservationQuery(date_from=FRIDAY)
    assert ids(await sandbox.list_reservations(friday_on)) == [booked["friday_dinner"].id]
    cancelled = ReservationQuery(status="cancelled")
    assert ids(await sandbox.list_reservations(cancelled)) == [booked["friday_dinner"].id]
    live = await sandbox.list_reservations(
        ReservationQuery(date_from=THURSDAY, date_to=FRIDAY, status="confirmed")
    )
    assert live.count == 3
    assert all(b.status == "confirmed" for b in live.data)
    assert (await sandbox.list_reservations(ReservationQuery(date=date(2026, 3, 7)))).count == 0


async def test_a_venue_by_id_or_by_words_of_its_name(
    sandbox: SandboxRestaurantBackend, booked: dict[str, Reservation]
) -> None:
    name = booked["thursday_late"].venue_name  # e.g. "Pho Saffron"
    for written in ("lis-003", "LIS-003", name, name.upper(), f"the {name.split()[-1]}"):
        found = await sandbox.list_reservations(ReservationQuery(venue=written))
        assert ids(found) == [booked["thursday_late"].id], written
    assert (await sandbox.list_reservations(ReservationQuery(venue="Nowhere Grill"))).count == 0


async def test_a_city_and_local_dates_across_time_zones(sandbox: SandboxRestaurantBackend) -> None:
    late_seating = 20 * 60 + 30  # 20:30 in New York is 01:30 UTC the next day
    venue = next(
        v
        for v in sandbox.venues
        if v.city == "New York" and late_seating in sandbox.free_starts(v, THURSDAY, 2)
    )
    late = await book(sandbox, venue.id, datetime(2026, 3, 5, 20, 30))
    assert late.start.astimezone(UTC).date() == FRIDAY  # already Friday in UTC
    found = await sandbox.list_reservations(ReservationQuery(date=THURSDAY, city="new york"))
    assert ids(found) == [late.id]
    assert (await sandbox.list_reservations(ReservationQuery(city="Lisbon"))).count == 0


async def test_the_party_size(sandbox: SandboxRestaurantBackend) -> None:
    two = await book(sandbox, "lis-006", datetime(2026, 3, 5, 19))
    four = await sandbox.book("lis-006", datetime(2026, 3, 5, 20), 4, "Bo", "key-four")
    assert ids(await sandbox.list_reservations(ReservationQuery(party_size=4))) == [four.id]
    assert ids(await sandbox.list_reservations(ReservationQuery(party_size=2))) == [two.id]


async def test_the_limit_cuts_the_list_but_not_the_count(
    sandbox: SandboxRestaurantBackend, booked: dict[str, Reservation]
) -> None:
    found = await sandbox.list_reservations(ReservationQuery(limit=2))
    assert found.count == 4
    assert ids(found) == [booked["thursday_lunch"].id, booked["thursday_dinner"].id]


@pytest.mark.parametrize(
    ("filters", "words"),
    [
        ({"date": "2026-03-05", "date_from": "2026-03-01"}, "either date or date_from"),
        ({"date_from": "2026-03-06", "date_to": "2026-03-05"}, "after date_to"),
        ({"time_from": "22:00", "time_to": "18:00"}, "past midnight"),
        ({"limit": 0}, "greater than or equal to 1"),
        ({"status": "pending"}, "confirmed"),
        ({"venue": ""}, "at least 1 character"),
        ({"party_size": 21}, "less than or equal to 20"),
    ],
)
def test_an_inconsistent_query_is_refused_in_words(filters: dict[str, object], words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        ReservationQuery.model_validate(filters)


def test_names_venue_matches_whole_words_in_order(sandbox: SandboxRestaurantBackend) -> None:
    venue = sandbox.venue("lis-003")
    first, last = venue.name.split()[0], venue.name.split()[-1]
    assert names_venue(f"{first} {last}", venue)
    assert not names_venue(f"{last} {first}", venue)
    assert not names_venue(first[:-1], venue)  # part of a word is no match
    assert not names_venue("the", venue)


async def test_the_tool_reads_through_the_executor(
    sandbox: SandboxRestaurantBackend, booked: dict[str, Reservation]
) -> None:
    assert list_reservations in TOOLS
    assert list_reservations.effect == "read"
    executor = ToolExecutor(Toolset(TOOLS, deps=sandbox), clock=FakeClock(START))
    done = await executor.call(
        "list_reservations", {"date": "2026-03-05", "time_from": "17:00", "status": "confirmed"}
    )
    assert done.result_json["count"] == 2
    assert [item["id"] for item in done.result_json["data"]] == [
        booked["thursday_dinner"].id,
        booked["thursday_late"].id,
    ]
    with pytest.raises(ToolArgsError):
        await executor.call("list_reservations", {"when": "tonight"})
