"""The FlightBackend contract, run against the sandbox and against HTTP to the sandbox server."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from plangate.tools.clock import FakeClock
from plangate.tools.domains.flights.http import HttpFlightBackend
from plangate.tools.domains.flights.models import Cabin, Offer, Passenger
from plangate.tools.domains.flights.sandbox import SandboxFlightBackend
from plangate.tools.domains.world import AIRPORTS_BY_IATA
from plangate.tools.errors import ToolRefusedError

from .harness import ADA, DAY, GRACE, World

pytestmark = pytest.mark.asyncio


async def first_offer(world: World, *, passengers: int = 1, cabin: Cabin = "economy") -> Offer:
    offers = await world.backend.search("LIS", "MAD", DAY, passengers, cabin)
    assert offers, "LIS-MAD flies on Mondays"
    return offers[0]


def party(size: int) -> list[Passenger]:
    return [Passenger(first_name="Traveller", last_name=f"No{'I' * n}") for n in range(1, size + 1)]


async def refusal(awaitable: object) -> ToolRefusedError:
    with pytest.raises(ToolRefusedError) as caught:
        await awaitable  # type: ignore[misc]
    return caught.value


# -- search ------------------------------------------------------------------------------------


async def test_search_answers_the_query_cheapest_first(world: World) -> None:
    offers = await world.backend.search("LIS", "MAD", DAY, 2, "business", 10)

    assert offers
    assert [o.price.amount for o in offers] == sorted(o.price.amount for o in offers)
    for offer in offers:
        assert (offer.origin, offer.destination) == ("LIS", "MAD")
        assert offer.departure.date() == DAY
        assert offer.departure.utcoffset() == timedelta(0)  # Lisbon in winter
        assert offer.arrival.utcoffset() == timedelta(hours=1)  # Madrid in winter
        assert (offer.cabin, offer.passengers) == ("business", 2)
        assert offer.seats_left >= 2
        assert offer.price.currency == "EUR"
    assert world.sandbox.audit() == []


async def test_search_is_deterministic_and_respects_max_results(world: World) -> None:
    first = await world.backend.search("LHR", "FRA", DAY, 1, "economy", 10)
    again = await world.backend.search("LHR", "FRA", DAY, 1, "economy", 10)
    capped = await world.backend.search("LHR", "FRA", DAY, 1, "economy", 1)

    assert [o.id for o in first] == [o.id for o in again]
    assert first == again
    assert len(first) > 1
    assert capped == first[:1]


async def test_search_prices_in_the_origin_currency(world: World) -> None:
    offers = await world.backend.search("NRT", "SIN", DAY)

    assert offers
    assert {o.price.currency for o in offers} == {AIRPORTS_BY_IATA["NRT"].currency}


async def test_search_connects_through_a_hub_when_no_nonstop_flies(world: World) -> None:
    offers = await world.backend.search("OPO", "NRT", DAY, 1, "economy", 20)

    assert offers
    for offer in offers:
        first, second = offer.segments
        assert first.origin == "OPO"
        assert first.destination == second.origin
        assert second.destination == "NRT"
        layover = second.departure - first.arrival
        assert timedelta(hours=1) <= layover <= timedelta(hours=8)


async def test_search_leaves_out_flights_without_room_for_the_party(world: World) -> None:
    # First class has 8 seats, some of them already sold to others.
    single = await world.backend.search("LHR", "JFK", DAY, 1, "first", 10)

    assert single
    assert await world.backend.search("LHR", "JFK", DAY, 9, "first", 10) == []


async def test_search_refuses_a_past_date(world: World) -> None:
    error = await refusal(world.backend.search("LIS", "MAD", date(2026, 1, 4)))

    assert error.reason == "past_date"
    assert "2026-01-05" in error.hint


async def test_search_refuses_a_date_beyond_the_schedule(world: World) -> None:
    error = await refusal(world.backend.search("LIS", "MAD", date(2027, 6, 1)))

    assert error.reason == "beyond_schedule"
    assert error.hint


async def test_search_of_today_skips_departed_flights(world: World) -> None:
    today = world.clock.now().date()
    offers = await world.backend.search("LIS", "MAD", today, 1, "economy", 10)

    assert all(o.departure > world.clock.now() for o in offers)


@pytest.mark.parametrize(
    ("origin", "destination", "passengers", "names"),
    [
        ("LON", "MAD", 1, ["LON", "LHR"]),
        ("lis", "MAD", 1, ["lis", "LIS"]),
        ("LIS", "LIS", 1, ["LIS"]),
        ("LIS", "MAD", 10, ["passengers"]),
    ],
)
async def test_search_refuses_invalid_input_naming_it(
    world: World, origin: str, destination: str, passengers: int, names: list[str]
) -> None:
    error = await refusal(world.backend.search(origin, destination, DAY, passengers))

    assert error.reason == "invalid"
    for name in names:
        assert name in error.message


# -- pricing -----------------------------------------------------------------------------------


async def test_get_offer_reprices_the_searched_offer(world: World) -> None:
    offer = await first_offer(world)

    assert await world.backend.get_offer(offer.id) == offer


@pytest.mark.parametrize("offer_id", ["nope", "TP999-20260316.Y1", "TP141-20260316.Y1.extra"])
async def test_get_offer_of_an_unknown_offer_is_not_found(world: World, offer_id: str) -> None:
    error = await refusal(world.backend.get_offer(offer_id))

    assert error.reason == "not_found"
    assert "search" in error.hint


async def test_get_offer_after_departure_is_past_date(world: World) -> None:
    offer = await first_offer(world)
    world.clock.advance((offer.departure - world.clock.now()).total_seconds())

    error = await refusal(world.backend.get_offer(offer.id))

    assert error.reason == "past_date"


# -- booking -----------------------------------------------------------------------------------


async def test_book_takes_seats_and_is_found_by_id_and_key(world: World) -> None:
    offer = await first_offer(world, passengers=2)

    booking = await world.backend.book(offer.id, [ADA, GRACE], "key-1")

    assert booking.status == "confirmed"
    assert booking.offer == offer
    assert booking.passengers == [ADA, GRACE]
    assert booking.idempotency_key == "key-1"
    assert booking.created_at == world.clock.now()
    assert (await world.backend.get_offer(offer.id)).seats_left == offer.seats_left - 2
    assert await world.backend.get_booking(booking.id) == booking
    assert await world.backend.find_booking_by_key("key-1") == booking
    assert world.sandbox.audit() == []


async def test_book_again_with_the_same_key_changes_nothing(world: World) -> None:
    offer = await first_offer(world)
    booking = await world.backend.book(offer.id, [ADA], "key-1")

    again = await world.backend.book(offer.id, [ADA], "key-1")

    assert again == booking
    assert (await world.backend.get_offer(offer.id)).seats_left == offer.seats_left - 1
    assert len(world.sandbox.bookings()) == 1
    assert world.sandbox.audit() == []


async def test_a_key_reused_for_another_booking_is_refused(world: World) -> None:
    offer = await first_offer(world)
    await world.backend.book(offer.id, [ADA], "key-1")

    error = await refusal(world.backend.book(offer.id, [GRACE], "key-1"))

    assert error.reason == "key_reused"
    assert len(world.sandbox.bookings()) == 1


async def test_book_with_the_wrong_party_size_is_invalid(world: World) -> None:
    offer = await first_offer(world, passengers=2)

    error = await refusal(world.backend.book(offer.id, [ADA], "key-1"))

    assert error.reason == "invalid"
    assert "passengers=1" in error.hint
    assert world.sandbox.bookings() == []


async def test_book_refuses_when_seats_run_out(world: World) -> None:
    offers = await world.backend.search("LHR", "JFK", DAY, 1, "first", 10)
    offer = offers[0]
    groups = [offer.seats_left // 2, offer.seats_left - offer.seats_left // 2]
    booked = []
    for n, size in enumerate(g for g in groups if g):
        sized = (await world.backend.search("LHR", "JFK", DAY, size, "first", 10))[0]
        booked.append(await world.backend.book(sized.id, party(size), f"key-{n}"))
    assert (await world.backend.search("LHR", "JFK", DAY, 1, "first", 10)) == offers[1:]

    error = await refusal(world.backend.book(offer.id, [ADA], "key-last"))

    assert error.reason == "sold_out"
    assert "fewer passengers" in error.hint
    assert sum(len(b.passengers) for b in booked) == offer.seats_left
    assert world.sandbox.audit() == []


async def test_book_after_departure_is_past_date(world: World) -> None:
    offer = await first_offer(world)
    world.clock.advance((offer.departure - world.clock.now()).total_seconds() + 60)

    error = await refusal(world.backend.book(offer.id, [ADA], "key-1"))

    assert error.reason == "past_date"
    assert world.sandbox.bookings() == []


async def test_book_an_unknown_offer_is_not_found(world: World) -> None:
    error = await refusal(world.backend.book("XX1-20260316.Y1", [ADA], "key-1"))

    assert error.reason == "not_found"


async def leg_seats(world: World, offer: Offer) -> list[int]:
    """Seats left on each flight of ``offer``, as a nonstop search of that leg shows them."""
    seats = []
    for segment in offer.segments:
        day = segment.departure.date()
        legs = await world.backend.search(
            segment.origin, segment.destination, day, 1, "economy", 50
        )
        seats += [
            o.seats_left for o in legs if o.segments[0].flight_number == segment.flight_number
        ]
    return seats


async def test_a_connection_takes_seats_on_both_flights(world: World) -> None:
    offer = (await world.backend.search("OPO", "NRT", DAY, 2))[0]
    before = await leg_seats(world, offer)

    await world.backend.book(offer.id, [ADA, GRACE], "key-1")

    assert len(before) == 2
    assert await leg_seats(world, offer) == [seats - 2 for seats in before]
    assert world.sandbox.audit() == []


# -- cancelling --------------------------------------------------------------------------------


async def test_cancel_gives_seats_back_once(world: World) -> None:
    offer = await first_offer(world, passengers=2)
    booking = await world.backend.book(offer.id, [ADA, GRACE], "book-1")

    cancelled = await world.backend.cancel(booking.id, "cancel-1")
    again = await world.backend.cancel(booking.id, "cancel-1")

    assert cancelled.status == "cancelled"
    assert cancelled.cancelled_at == world.clock.now()
    assert again == cancelled
    assert (await world.backend.get_offer(offer.id)).seats_left == offer.seats_left
    assert await world.backend.find_booking_by_key("cancel-1") == cancelled
    assert await world.backend.find_booking_by_key("book-1") == cancelled
    assert world.sandbox.audit() == []


async def test_cancel_twice_with_new_keys_is_refused(world: World) -> None:
    booking = await world.backend.book((await first_offer(world)).id, [ADA], "book-1")
    await world.backend.cancel(booking.id, "cancel-1")

    error = await refusal(world.backend.cancel(booking.id, "cancel-2"))

    assert error.reason == "already_cancelled"
    assert world.sandbox.audit() == []


async def test_cancel_with_a_booking_key_is_a_reused_key(world: World) -> None:
    booking = await world.backend.book((await first_offer(world)).id, [ADA], "book-1")

    error = await refusal(world.backend.cancel(booking.id, "book-1"))

    assert error.reason == "key_reused"
    assert (await world.backend.get_booking(booking.id)).status == "confirmed"


async def test_cancel_after_departure_is_past_date(world: World) -> None:
    offer = await first_offer(world)
    booking = await world.backend.book(offer.id, [ADA], "book-1")
    world.clock.advance((offer.departure - world.clock.now()).total_seconds() + 1)

    error = await refusal(world.backend.cancel(booking.id, "cancel-1"))

    assert error.reason == "past_date"
    assert (await world.backend.get_booking(booking.id)).status == "confirmed"


async def test_unknown_bookings_and_keys(world: World) -> None:
    assert (await refusal(world.backend.get_booking("ZZZZZZ"))).reason == "not_found"
    assert (await refusal(world.backend.cancel("ZZZZZZ", "cancel-1"))).reason == "not_found"
    assert await world.backend.find_booking_by_key("never-used") is None


async def test_an_empty_key_is_invalid(world: World) -> None:
    offer = await first_offer(world)

    assert (await refusal(world.backend.book(offer.id, [ADA], ""))).reason == "invalid"
    assert world.sandbox.bookings() == []


# -- the two implementations agree -------------------------------------------------------------


async def test_http_answers_exactly_what_the_sandbox_answers(server_url: str) -> None:
    twin = SandboxFlightBackend(seed=0, clock=FakeClock())
    async with HttpFlightBackend(server_url, clock=FakeClock()) as client:
        searches: list[tuple[str, str, Cabin]] = [
            ("LIS", "MAD", "economy"),
            ("OPO", "SIN", "business"),
            ("SYD", "LAX", "first"),
            ("OPO", "NRT", "business"),
        ]
        for origin, destination, cabin in searches:
            over_http = await client.search(origin, destination, DAY, 2, cabin, 5)
            in_process = await twin.search(origin, destination, DAY, 2, cabin, 5)
            assert over_http
            assert over_http == in_process
        offer = (await twin.search("LHR", "JFK", DAY, 2, "business"))[0]
        assert await client.book(offer.id, [ADA, GRACE], "k") == await twin.book(
            offer.id, [ADA, GRACE], "k"
        )
