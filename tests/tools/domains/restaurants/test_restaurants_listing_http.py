"""``list_reservations`` over HTTP: the same answers as the sandbox on loopback, and respx cases.

The loopback half runs one scenario on a sandbox served by ``routes.router`` and on a reference
sandbox, and requires identical JSON. The respx half pins the wire: the parameters sent, each
status class, a timeout and malformed bodies.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, time
from typing import Any

import httpx
import pytest
import respx

from plangate.tools.clock import FakeClock
from plangate.tools.domains.restaurants.backend import RestaurantBackend
from plangate.tools.domains.restaurants.http import HttpRestaurantBackend
from plangate.tools.domains.restaurants.listing import ReservationQuery
from plangate.tools.domains.restaurants.models import Reservation
from plangate.tools.domains.restaurants.routes import PREFIX, router
from plangate.tools.domains.restaurants.sandbox import SandboxRestaurantBackend
from plangate.tools.domains.server import create_app, error_body, serve_in_thread
from plangate.tools.errors import (
    BackendError,
    MalformedResponseError,
    RateLimitedError,
    ToolRefusedError,
    ToolTimeoutError,
)

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SEED = 7
THURSDAY = date(2026, 3, 5)
BASE = "http://restaurants.test/restaurants"
TONIGHT = ReservationQuery(date=THURSDAY, time_from=time(17), status="confirmed")


async def world(backend: RestaurantBackend) -> None:
    """Three tables on Thursday (one at lunch) and one on Friday, cancelled."""
    for venue_id, start in (
        ("lis-006", datetime(2026, 3, 5, 13)),
        ("lis-006", datetime(2026, 3, 5, 19)),
        ("lis-003", datetime(2026, 3, 5, 21)),
        ("lis-001", datetime(2026, 3, 6, 20)),
    ):
        booked = await backend.book(venue_id, start, 2, "Ada", f"key-{venue_id}-{start:%d%H}")
    await backend.cancel(booked.id, "cancel-1")


QUERIES = (
    ReservationQuery(),
    TONIGHT,
    ReservationQuery(date_from=THURSDAY, date_to=date(2026, 3, 6), status="cancelled"),
    ReservationQuery(venue="lis-006", time_to=time(19)),
    ReservationQuery(city="lisbon", limit=1),
    ReservationQuery(party_size=2, date=THURSDAY),
    ReservationQuery(venue="no such place"),
)


@pytest.fixture
def root() -> Iterator[str]:
    """The root of the REST API over a fresh sandbox, served on loopback."""
    sandbox = SandboxRestaurantBackend(seed=SEED, clock=FakeClock(START))
    with serve_in_thread(create_app([(PREFIX, router(sandbox))])) as url:
        yield url + PREFIX


@pytest.fixture
async def served(root: str) -> AsyncIterator[HttpRestaurantBackend]:
    http = HttpRestaurantBackend(root, clock=FakeClock(START))
    try:
        yield http
    finally:
        await http.aclose()


async def test_over_loopback_every_filter_answers_as_the_sandbox(
    served: HttpRestaurantBackend,
) -> None:
    reference = SandboxRestaurantBackend(seed=SEED, clock=FakeClock(START))
    await world(served)
    await world(reference)
    for query in QUERIES:
        got = await served.list_reservations(query)
        want = await reference.list_reservations(query)
        assert got.model_dump(mode="json") == want.model_dump(mode="json"), query
    tonight = await served.list_reservations(TONIGHT)
    assert [b.start.hour for b in tonight.data] == [19, 21]
    limited = await served.list_reservations(ReservationQuery(limit=1))
    assert (limited.count, len(limited.data)) == (4, 1)


async def test_over_loopback_a_bad_filter_is_refused_as_invalid(root: str) -> None:
    client = httpx.AsyncClient(base_url=root)
    try:
        for params in (
            {"date": "tonight"},
            {"time_from": "22:00", "time_to": "18:00"},
            {"status": "pending"},
            {"idempotency_key": "key-1", "date": "2026-03-05"},
        ):
            reply = await client.get("/v1/reservations", params=params)
            assert reply.status_code == 422, params
            assert reply.json()["error"]["reason"] == "invalid"
    finally:
        await client.aclose()


# -- respx ----------------------------------------------------------------------------------------


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
    with respx.mock(base_url=BASE, assert_all_called=False) as mocked:
        yield mocked


@pytest.fixture
async def reservation() -> Reservation:
    sandbox = SandboxRestaurantBackend(seed=SEED, clock=FakeClock(START))
    return await sandbox.book("lis-006", datetime(2026, 3, 5, 19), 2, "Ada", "key-1")


def listed(*items: Reservation, count: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"data": [item.model_dump(mode="json") for item in items]}
    return body | ({} if count is None else {"count": count})


async def test_2xx_sends_only_the_filters_set_and_parses_the_list(
    backend: HttpRestaurantBackend, api: respx.MockRouter, reservation: Reservation
) -> None:
    route = api.get("/v1/reservations").respond(200, json=listed(reservation, count=3))
    query = ReservationQuery(date=THURSDAY, time_from=time(17), venue="Oyster Bar", limit=1)
    found = await backend.list_reservations(query)
    assert found.data == (reservation,)
    assert found.count == 3
    sent = route.calls.last.request
    assert dict(sent.url.params) == {
        "date": "2026-03-05",
        "time_from": "17:00",
        "venue": "Oyster Bar",
        "limit": "1",
    }
    assert sent.headers["Authorization"] == "Bearer secret"


async def test_a_body_without_a_count_counts_its_items(
    backend: HttpRestaurantBackend, api: respx.MockRouter, reservation: Reservation
) -> None:
    api.get("/v1/reservations").respond(200, json=listed(reservation))
    assert (await backend.list_reservations(ReservationQuery())).count == 1


async def test_4xx_is_a_refusal_with_its_reason_and_not_retried(
    backend: HttpRestaurantBackend, api: respx.MockRouter
) -> None:
    body = error_body("bad reservation filter", "invalid", "dates as YYYY-MM-DD")
    route = api.get("/v1/reservations").respond(422, json=body)
    with pytest.raises(ToolRefusedError) as caught:
        await backend.list_reservations(TONIGHT)
    assert caught.value.reason == "invalid"
    assert caught.value.hint == "dates as YYYY-MM-DD"
    assert route.call_count == 1


async def test_401_is_a_backend_error(
    backend: HttpRestaurantBackend, api: respx.MockRouter
) -> None:
    api.get("/v1/reservations").respond(401, json=error_body("bad token", "unauthorized"))
    with pytest.raises(BackendError) as caught:
        await backend.list_reservations(TONIGHT)
    assert caught.value.status == 401


async def test_429_then_5xx_are_retried_on_the_clock(
    backend: HttpRestaurantBackend,
    api: respx.MockRouter,
    clock: FakeClock,
    reservation: Reservation,
) -> None:
    route = api.get("/v1/reservations").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "3"}, json=error_body("slow", "rate")),
            httpx.Response(503, json=error_body("down", "unavailable")),
            httpx.Response(200, json=listed(reservation)),
        ]
    )
    found = await backend.list_reservations(TONIGHT)
    assert found.data == (reservation,)
    assert route.call_count == 3
    assert clock.sleeps[0] == 3.0


async def test_429_that_persists_is_rate_limited(
    backend: HttpRestaurantBackend, api: respx.MockRouter
) -> None:
    api.get("/v1/reservations").respond(429, headers={"Retry-After": "1"}, json={})
    with pytest.raises(RateLimitedError):
        await backend.list_reservations(TONIGHT)


async def test_5xx_that_persists_is_a_backend_error(
    backend: HttpRestaurantBackend, api: respx.MockRouter
) -> None:
    route = api.get("/v1/reservations").respond(503, json=error_body("down", "unavailable"))
    with pytest.raises(BackendError) as caught:
        await backend.list_reservations(TONIGHT)
    assert caught.value.status == 503
    assert route.call_count == 4


async def test_a_timeout_is_retried_then_raised(
    backend: HttpRestaurantBackend, api: respx.MockRouter, clock: FakeClock
) -> None:
    route = api.get("/v1/reservations").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(ToolTimeoutError):
        await backend.list_reservations(TONIGHT)
    assert route.call_count == 4
    assert len(clock.sleeps) == 3


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b'{"data": [{"id": "rsv', "GET /restaurants/v1/reservations"),
        (b'{"data": "none"}', "data"),
        (b'{"data": [], "count": -2}', "count"),
    ],
)
async def test_a_malformed_body_is_malformed(
    backend: HttpRestaurantBackend, api: respx.MockRouter, content: bytes, words: str
) -> None:
    api.get("/v1/reservations").respond(
        200, content=content, headers={"Content-Type": "application/json"}
    )
    with pytest.raises(MalformedResponseError) as caught:
        await backend.list_reservations(TONIGHT)
    assert words in caught.value.message


async def test_a_count_below_the_items_listed_is_malformed(
    backend: HttpRestaurantBackend, api: respx.MockRouter, reservation: Reservation
) -> None:
    api.get("/v1/reservations").respond(200, json=listed(reservation, count=0))
    with pytest.raises(MalformedResponseError, match="count 0"):
        await backend.list_reservations(TONIGHT)
