"""HttpBackend with respx: status classes, timeouts, malformed bodies, Retry-After, safe retries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
import respx
from pydantic import BaseModel

from plangate.tools.base import RetryPolicy
from plangate.tools.clock import FakeClock
from plangate.tools.errors import (
    BackendError,
    MalformedResponseError,
    OutcomeUnknownError,
    RateLimitedError,
    ToolRefusedError,
    ToolTimeoutError,
)
from plangate.tools.http import HttpBackend, map_http_error, parse_retry_after

BASE = "https://api.example.test/v1"


class Item(BaseModel):
    id: str
    qty: int


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def backend(clock: FakeClock) -> HttpBackend:
    return HttpBackend(
        BASE,
        service="shop",
        token="sk-secret",
        clock=clock,
        retry=RetryPolicy(max_attempts=4, initial_delay=0.5, max_delay=4.0, jitter=0.0),
    )


@respx.mock
async def test_success_sends_auth_and_validates_the_body(backend: HttpBackend) -> None:
    route = respx.get(f"{BASE}/items/1").respond(200, json={"id": "1", "qty": 3})
    assert await backend.get_json("/items/1", Item) == Item(id="1", qty=3)
    assert route.calls.last.request.headers["Authorization"] == "Bearer sk-secret"


@respx.mock
@pytest.mark.parametrize("status", [400, 404, 409, 422])
async def test_client_errors_are_model_visible_refusals(backend: HttpBackend, status: int) -> None:
    body = {"error": {"reason": "sold_out", "message": "no seats left", "hint": "try 20:00"}}
    route = respx.post(f"{BASE}/orders").respond(status, json=body)
    with pytest.raises(ToolRefusedError) as info:
        await backend.send_json("POST", "/orders", Item, json={}, idempotency_key="k1")
    assert info.value.reason == "sold_out"
    assert info.value.hint == "try 20:00"
    assert "no seats left" in str(info.value)
    assert info.value.model_visible
    assert route.call_count == 1


@respx.mock
@pytest.mark.parametrize("status", [401, 403])
async def test_auth_failures_are_developer_errors(backend: HttpBackend, status: int) -> None:
    respx.get(f"{BASE}/items").respond(status, json={"detail": "bad token"})
    with pytest.raises(BackendError, match="not authorized") as info:
        await backend.get_json("/items", list[Item])
    assert not info.value.model_visible
    assert info.value.status == status


@respx.mock
async def test_reads_retry_5xx_with_exponential_backoff(
    backend: HttpBackend, clock: FakeClock
) -> None:
    route = respx.get(f"{BASE}/items").mock(
        side_effect=[httpx.Response(503), httpx.Response(502), httpx.Response(200, json=[])]
    )
    assert await backend.get_json("/items", list[Item]) == []
    assert route.call_count == 3
    assert clock.sleeps == [0.5, 1.0]


@respx.mock
async def test_500_is_not_retried_and_persistent_503_gives_up(backend: HttpBackend) -> None:
    respx.get(f"{BASE}/a").respond(500, text="boom")
    with pytest.raises(BackendError, match="HTTP 500") as info:
        await backend.get_json("/a", Item)
    assert info.value.status == 500
    route = respx.get(f"{BASE}/b").respond(503)
    with pytest.raises(BackendError):
        await backend.get_json("/b", Item)
    assert route.call_count == 4


@respx.mock
async def test_retry_after_seconds_is_honoured(backend: HttpBackend, clock: FakeClock) -> None:
    respx.get(f"{BASE}/items").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "7"}),
            httpx.Response(200, json=[{"id": "a", "qty": 1}]),
        ]
    )
    assert await backend.get_json("/items", list[Item]) == [Item(id="a", qty=1)]
    assert clock.sleeps == [7.0]


@respx.mock
async def test_retry_after_http_date_is_honoured(backend: HttpBackend, clock: FakeClock) -> None:
    when = format_datetime(clock.now() + timedelta(seconds=12), usegmt=True)
    respx.get(f"{BASE}/items").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": when}),
            httpx.Response(200, json=[]),
        ]
    )
    await backend.get_json("/items", list[Item])
    assert clock.sleeps == [12.0]


@respx.mock
async def test_rate_limit_that_persists_surfaces_retry_after(backend: HttpBackend) -> None:
    respx.get(f"{BASE}/items").respond(429, headers={"Retry-After": "2"})
    with pytest.raises(RateLimitedError) as info:
        await backend.get_json("/items", list[Item])
    assert info.value.retry_after == 2.0


@respx.mock
async def test_read_timeout_on_a_get_is_retried_then_reported(backend: HttpBackend) -> None:
    route = respx.get(f"{BASE}/items").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(ToolTimeoutError, match="timed out"):
        await backend.get_json("/items", list[Item])
    assert route.call_count == 4


@respx.mock
async def test_post_without_key_is_never_retried_after_a_read_timeout(backend: HttpBackend) -> None:
    route = respx.post(f"{BASE}/orders").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(OutcomeUnknownError, match="may or may not have happened"):
        await backend.send_json("POST", "/orders", Item, json={"qty": 1})
    assert route.call_count == 1


@respx.mock
async def test_post_without_key_is_not_retried_on_503(backend: HttpBackend) -> None:
    route = respx.post(f"{BASE}/orders").respond(503)
    with pytest.raises(BackendError):
        await backend.send_json("POST", "/orders", Item, json={"qty": 1})
    assert route.call_count == 1


@respx.mock
async def test_post_with_key_is_retried_with_the_same_key(backend: HttpBackend) -> None:
    route = respx.post(f"{BASE}/orders").mock(
        side_effect=[httpx.ReadTimeout("slow"), httpx.Response(201, json={"id": "o1", "qty": 1})]
    )
    order = await backend.send_json("POST", "/orders", Item, json={"qty": 1}, idempotency_key="k-9")
    assert order == Item(id="o1", qty=1)
    assert route.call_count == 2
    assert [c.request.headers["Idempotency-Key"] for c in route.calls] == ["k-9", "k-9"]


@respx.mock
async def test_connect_errors_are_retried_even_for_unkeyed_posts(backend: HttpBackend) -> None:
    route = respx.post(f"{BASE}/orders").mock(
        side_effect=[httpx.ConnectError("refused"), httpx.Response(200, json={"id": "o", "qty": 2})]
    )
    assert (await backend.send_json("POST", "/orders", Item, json={})).id == "o"
    assert route.call_count == 2


@respx.mock
@pytest.mark.parametrize(
    ("body", "where"),
    [(b'{"id": "1"', "(body)"), (b'{"id": "1", "qty": "many"}', "qty"), (b"<html>", "(body)")],
)
async def test_malformed_bodies_name_the_problem(
    backend: HttpBackend, body: bytes, where: str
) -> None:
    respx.get(f"{BASE}/items/1").respond(200, content=body)
    with pytest.raises(
        MalformedResponseError, match="malformed response to GET /v1/items/1"
    ) as info:
        await backend.get_json("/items/1", Item)
    assert where in str(info.value)
    assert info.value.body.startswith(body.decode()[:5])


def test_retry_after_parsing() -> None:
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert parse_retry_after("3", now) == 3.0
    assert parse_retry_after(None, now) is None
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(format_datetime(now - timedelta(seconds=5), usegmt=True), now) == 0.0


def test_error_mapping_reads_any_error_shape() -> None:
    request = httpx.Request("GET", f"{BASE}/x")
    plain = httpx.Response(409, text="conflict!", request=request)
    mapped = map_http_error("svc", method="GET", response=plain)
    assert isinstance(mapped, ToolRefusedError)
    assert "conflict!" in str(mapped)
    detail = httpx.Response(422, json={"detail": "bad date"}, request=request)
    assert "bad date" in str(map_http_error("svc", method="GET", response=detail))


def test_a_backend_needs_a_service_name() -> None:
    from plangate.tools.errors import UsageError

    with pytest.raises(UsageError, match="needs a service name"):
        HttpBackend(BASE)

    class Named(HttpBackend):
        SERVICE = "named"

    assert Named(BASE).service == "named"
