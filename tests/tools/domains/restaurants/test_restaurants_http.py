"""``HttpRestaurantBackend`` against a mocked HTTP layer (respx): statuses, retries, bodies, pages."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
import respx

from plangate.tools.clock import FakeClock
from plangate.tools.domains.restaurants.http import HttpRestaurantBackend
from plangate.tools.domains.restaurants.models import Cuisine, Reservation, VenuePage
from plangate.tools.domains.restaurants.sandbox import SandboxRestaurantBackend
from plangate.tools.domains.server import error_body
from plangate.tools.errors import (
    BackendError,
    MalformedResponseError,
    OutcomeUnknownError,
    RateLimitedError,
    ToolRefusedError,
    ToolTimeoutError,
)

BASE = "http://restaurants.test/restaurants"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
THURSDAY = date(2026, 3, 5)
VENUE_ID = "lis-006"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
async def backend(clock: FakeClock) -> AsyncIterator[HttpRestaurantBackend]:
    client = HttpRestaurantBackend(BASE, clock=clock, token="secret")
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


@pytest.fixture
async def reservation(clock: FakeClock) -> Reservation:
    """A real reservation, made by the sandbox, to serve as a reply body."""
    sandbox = SandboxRestaurantBackend(seed=7, clock=clock)
    return await sandbox.book(VENUE_ID, datetime(2026, 3, 5, 19, 0), 2, "Ada", "key-1")


def venue_json(index: int) -> dict[str, Any]:
    venue = SandboxRestaurantBackend(seed=7).venues[index]
    return venue.model_dump(mode="json")


def page(indexes: range, next_cursor: str | None) -> dict[str, Any]:
    return {"data": [venue_json(i) for i in indexes], "next_cursor": next_cursor}


# -- 2xx ------------------------------------------------------------------------------------------


async def test_search_sends_the_documented_params_and_parses_the_page(
    backend: HttpRestaurantBackend, api: respx.MockRouter
) -> None:
    route = api.get("/v1/venues").respond(200, json=page(range(2), None))
    found = await backend.search(
        "Lisbon", 4, THURSDAY, cuisine=Cuisine.SEAFOOD, max_price_level=2, limit=5
    )
    assert [venue.id for venue in found.data] == ["lis-001", "lis-002"]
    assert found.next_cursor is None
    sent = route.calls.last.request
    assert dict(sent.url.params) == {
        "city": "Lisbon",
        "party_size": "4",
        "limit": "5",
        "date": "2026-03-05",
        "cuisine": "seafood",
        "max_price_level": "2",
    }
    assert sent.headers["Authorization"] == "Bearer secret"


async def test_search_near_a_time_sends_at(
    backend: HttpRestaurantBackend, api: respx.MockRouter
) -> None:
    route = api.get("/v1/venues").respond(200, json=page(range(1), None))
    await backend.search("Lisbon", 2, datetime(2026, 3, 5, 19, 30))
    params = route.calls.last.request.url.params
    assert params["at"] == "2026-03-05T19:30:00"
    assert "date" not in params


async def test_pagination_follows_next_cursor_to_the_last_page(
    backend: HttpRestaurantBackend, api: respx.MockRouter
) -> None:
    pages = {
        None: page(range(0, 3), "c2"),
        "c2": page(range(3, 6), "c3"),
        "c3": page(range(6, 7), None),
    }

    def serve(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=pages[request.url.params.get("cursor")])

    route = api.get("/v1/venues").mock(side_effect=serve)
    seen: list[str] = []
    cursor: str | None = None
    while True:
        result: VenuePage = await backend.search("Lisbon", 2, THURSDAY, limit=3, cursor=cursor)
        seen += [venue.id for venue in result.data]
        if result.next_cursor is None:
            break
        cursor = result.next_cursor
    assert seen == [f"lis-{n:03d}" for n in range(1, 8)]
    assert [call.request.url.params.get("cursor") for call in route.calls] == [None, "c2", "c3"]


async def test_find_by_key_returns_the_match_or_none(
    backend: HttpRestaurantBackend, api: respx.MockRouter, reservation: Reservation
) -> None:
    body = {"data": [reservation.model_dump(mode="json")]}
    api.get("/v1/reservations", params={"idempotency_key": "key-1"}).respond(200, json=body)
    api.get("/v1/reservations", params={"idempotency_key": "nope"}).respond(200, json={"data": []})
    assert await backend.find_reservation_by_key("key-1") == reservation
    assert await backend.find_reservation_by_key("nope") is None


async def test_a_reservation_keeps_the_venue_zone_over_the_wire(
    backend: HttpRestaurantBackend, api: respx.MockRouter, reservation: Reservation
) -> None:
    paris = reservation.model_copy(update={"timezone": "Europe/Paris"})
    api.get("/v1/reservations/rsv-000001").respond(200, json=paris.model_dump(mode="json"))
    got = await backend.get_reservation("rsv-000001")
    assert got.start == reservation.start
    assert got.start.utcoffset() is not None
    assert got.start.isoformat() == "2026-03-05T20:00:00+01:00"


# -- 4xx ------------------------------------------------------------------------------------------


async def test_a_409_refusal_keeps_reason_and_hint(
    backend: HttpRestaurantBackend, api: respx.MockRouter
) -> None:
    body = error_body("no table for 7", "sold_out", "Free seatings for 7 on 2026-03-05: 20:30.")
    route = api.post("/v1/reservations").respond(409, json=body)
    with pytest.raises(ToolRefusedError) as caught:
        await backend.book(VENUE_ID, datetime(2026, 3, 5, 19), 7, "Ada", "key-1")
    assert caught.value.reason == "sold_out"
    assert caught.value.hint == "Free seatings for 7 on 2026-03-05: 20:30."
    assert "no table for 7" in caught.value.message
    assert route.call_count == 1  # a refusal is final: never retried


async def test_a_404_is_not_found(backend: HttpRestaurantBackend, api: respx.MockRouter) -> None:
    api.get("/v1/venues/nowhere-1").respond(
        404, json=error_body("no venue", "not_found", "use an id")
    )
    with pytest.raises(ToolRefusedError) as caught:
        await backend.get_venue("nowhere-1")
    assert caught.value.reason == "not_found"


async def test_an_empty_id_is_refused_without_a_request(
    backend: HttpRestaurantBackend, api: respx.MockRouter
) -> None:
    route = api.route()
    with pytest.raises(ToolRefusedError) as caught:
        await backend.get_reservation("")
    assert caught.value.reason == "not_found"
    assert not route.called


async def test_ids_are_escaped_into_one_path_segment(
    backend: HttpRestaurantBackend, api: respx.MockRouter
) -> None:
    route = api.get(url__regex=r".*/v1/venues/.*").respond(404, json=error_body("no", "not_found"))
    with pytest.raises(ToolRefusedError):
        await backend.get_venue("a/b")
    assert route.calls.last.request.url.raw_path == b"/restaurants/v1/venues/a%2Fb"


async def test_401_is_a_backend_error_and_not_retried(
    backend: HttpRestaurantBackend, api: respx.MockRouter, clock: FakeClock
) -> None:
    route = api.get("/v1/venues/lis-006").respond(401, json=error_body("bad token", "unauthorized"))
    with pytest.raises(BackendError) as caught:
        await backend.get_venue(VENUE_ID)
    assert caught.value.status == 401
    assert "credentials" in caught.value.message
    assert route.call_count == 1
    assert clock.sleeps == []


# -- 429 and 5xx ----------------------------------------------------------------------------------


async def test_429_waits_for_retry_after_on_the_clock(
    backend: HttpRestaurantBackend, api: respx.MockRouter, clock: FakeClock
) -> None:
    route = api.get("/v1/venues/lis-006").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "7"}, json=error_body("slow", "rate")),
            httpx.Response(200, json=venue_json(5)),
        ]
    )
    venue = await backend.get_venue(VENUE_ID)
    assert venue.id == VENUE_ID
    assert route.call_count == 2
    assert clock.sleeps == [7.0]


async def test_429_gives_up_as_rate_limited(
    backend: HttpRestaurantBackend, api: respx.MockRouter, clock: FakeClock
) -> None:
    api.get("/v1/venues/lis-006").respond(429, headers={"Retry-After": "2"}, json={})
    with pytest.raises(RateLimitedError) as caught:
        await backend.get_venue(VENUE_ID)
    assert caught.value.retry_after == 2.0
    assert clock.sleeps == [2.0, 2.0, 2.0]  # four attempts, three waits


async def test_5xx_on_a_read_is_retried(
    backend: HttpRestaurantBackend, api: respx.MockRouter, clock: FakeClock
) -> None:
    route = api.get("/v1/venues/lis-006/availability").mock(
        side_effect=[
            httpx.Response(503, json=error_body("down", "unavailable")),
            httpx.Response(502),
            httpx.Response(200, json=_availability_json()),
        ]
    )
    found = await backend.availability(VENUE_ID, THURSDAY, 2)
    assert found.venue_id == VENUE_ID
    assert route.call_count == 3
    assert len(clock.sleeps) == 2
    assert route.calls.last.request.url.params["date"] == "2026-03-05"


async def test_5xx_that_persists_is_a_backend_error(
    backend: HttpRestaurantBackend, api: respx.MockRouter
) -> None:
    route = api.get("/v1/venues/lis-006").respond(503, json=error_body("down", "unavailable"))
    with pytest.raises(BackendError) as caught:
        await backend.get_venue(VENUE_ID)
    assert caught.value.status == 503
    assert route.call_count == 4


async def test_a_500_is_not_retried(backend: HttpRestaurantBackend, api: respx.MockRouter) -> None:
    route = api.get("/v1/venues/lis-006").respond(500, json=error_body("bug", "internal"))
    with pytest.raises(BackendError) as caught:
        await backend.get_venue(VENUE_ID)
    assert caught.value.status == 500
    assert route.call_count == 1


# -- timeouts and bodies --------------------------------------------------------------------------


async def test_a_read_timeout_is_retried_then_raised(
    backend: HttpRestaurantBackend, api: respx.MockRouter, clock: FakeClock
) -> None:
    route = api.get("/v1/venues/lis-006").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(ToolTimeoutError):
        await backend.get_venue(VENUE_ID)
    assert route.call_count == 4
    assert len(clock.sleeps) == 3


async def test_a_truncated_body_is_malformed(
    backend: HttpRestaurantBackend, api: respx.MockRouter
) -> None:
    api.get("/v1/venues").respond(200, content=b'{"data": [{"id": "lis', headers=_JSON)
    with pytest.raises(MalformedResponseError) as caught:
        await backend.search("Lisbon", 2, THURSDAY)
    assert "GET /restaurants/v1/venues" in caught.value.message


async def test_a_body_of_the_wrong_shape_is_malformed(
    backend: HttpRestaurantBackend, api: respx.MockRouter, reservation: Reservation
) -> None:
    body = reservation.model_dump(mode="json") | {"party_size": 40}
    api.get("/v1/reservations/rsv-000001").respond(200, json=body)
    with pytest.raises(MalformedResponseError) as caught:
        await backend.get_reservation("rsv-000001")
    assert "party_size" in caught.value.message


# -- writes ---------------------------------------------------------------------------------------


async def test_a_retried_booking_reuses_its_key_and_books_once(
    backend: HttpRestaurantBackend, api: respx.MockRouter, reservation: Reservation
) -> None:
    """The first reply is lost after the server committed; the retry must not book again."""
    committed: dict[str, dict[str, Any]] = {}
    bodies: list[dict[str, Any]] = []

    def serve(request: httpx.Request) -> httpx.Response:
        key = request.headers["Idempotency-Key"]
        bodies.append(json.loads(request.content))
        if key in committed:  # a repeated key replays the first reply
            return httpx.Response(201, json=committed[key])
        committed[key] = reservation.model_dump(mode="json")
        raise httpx.ReadTimeout("the reply was lost")

    route = api.post("/v1/reservations").mock(side_effect=serve)
    booked = await backend.book(VENUE_ID, datetime(2026, 3, 5, 19), 2, "Ada", "key-1")
    assert booked == reservation
    assert route.call_count == 2
    assert [call.request.headers["Idempotency-Key"] for call in route.calls] == ["key-1"] * 2
    assert len(committed) == 1
    assert (
        bodies[0]
        == bodies[1]
        == {
            "venue_id": VENUE_ID,
            "start": "2026-03-05T19:00:00",
            "party_size": 2,
            "name": "Ada",
        }
    )


async def test_a_cancel_retried_after_503_keeps_its_key(
    backend: HttpRestaurantBackend, api: respx.MockRouter, reservation: Reservation
) -> None:
    cancelled = reservation.model_dump(mode="json") | {"status": "cancelled"}
    route = api.post("/v1/reservations/rsv-000001/cancel").mock(
        side_effect=[httpx.Response(503), httpx.Response(200, json=cancelled)]
    )
    result = await backend.cancel("rsv-000001", "cancel-1")
    assert result.status == "cancelled"
    assert [call.request.headers["Idempotency-Key"] for call in route.calls] == ["cancel-1"] * 2


async def test_a_write_never_answered_has_an_unknown_outcome(
    backend: HttpRestaurantBackend, api: respx.MockRouter
) -> None:
    route = api.post("/v1/reservations").mock(side_effect=httpx.ReadTimeout("lost"))
    with pytest.raises(OutcomeUnknownError) as caught:
        await backend.book(VENUE_ID, datetime(2026, 3, 5, 19), 2, "Ada", "key-9")
    assert caught.value.key == "key-9"
    assert route.call_count == 4  # keyed, so safe to retry; still unknown at the end


_JSON = {"Content-Type": "application/json"}


def _availability_json() -> dict[str, Any]:
    return {
        "venue_id": VENUE_ID,
        "date": "2026-03-05",
        "party_size": 2,
        "timezone": "Europe/Lisbon",
        "slots": [{"start": "2026-03-05T19:00:00Z", "tables_left": 3}],
    }
