"""Every route of the sandbox REST server, fuzzed from the server's own OpenAPI document.

schemathesis reads ``app.openapi()`` and sends each operation requests that hypothesis draws, valid
and invalid, in process over ASGI. Whatever arrives, the server must answer without a 5xx, every
4xx must carry the shared error body with a message, and every reply must match the schema the
document gives for its status. The world is seeded and its clock pinned, so a run is repeatable.

The second half checks by hand what fuzzing cannot reach: an ``Idempotency-Key`` reused for a
different write is a 409 on every write API, and a repeat of the same write returns the first
result.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import Case, CheckContext
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import positive_data_acceptance

from plangate.tools.clock import FakeClock
from plangate.tools.domains.backends import sandbox_app, sandbox_backends
from plangate.tools.domains.server import ErrorBody

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # a Monday, market open in New York
SEED = 11


def _app() -> FastAPI:
    return sandbox_app(sandbox_backends(seed=SEED, clock=FakeClock(NOW)))


def _rfc3339(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


# Dates at the edges of what Python can hold (years 1 and 9999, offsets of nearly a day), where
# window arithmetic overflows, mixed with ordinary ones near the pinned clock.
_EDGE_DAYS = st.sampled_from(
    [datetime(1, 1, 1), datetime(1, 1, 2), datetime(9999, 12, 31), datetime(9999, 12, 30, 23, 59)]
)
_OFFSETS = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m)))
_INSTANTS = st.one_of(
    st.builds(lambda day, tz: day.replace(tzinfo=tz), _EDGE_DAYS, _OFFSETS),
    st.datetimes(datetime(2026, 1, 1), datetime(2027, 1, 1), timezones=st.just(UTC)),
    st.datetimes(timezones=_OFFSETS),
)
schemathesis.openapi.format("date-time", _INSTANTS.map(_rfc3339))
schemathesis.openapi.format(
    "date", st.one_of(_EDGE_DAYS, st.datetimes()).map(lambda d: d.date().isoformat())
)

APP = _app()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)

# Random strings almost never name a calendar, a venue or a ticker, so most requests would stop
# at a 404 before reaching the code behind it. Each value under one of these names may be
# swapped for one the seeded world holds (or kept as drawn).
KNOWN: dict[str, list[Any]] = {
    "calendar_id": ["primary", "colleague@example.com"],
    "id": ["primary", "colleague@example.com"],
    "venue_id": ["lis-001", "lis-002"],
    "city": ["Lisbon", "Paris"],
    "symbol": ["AAPL", "NVDA"],
    "originLocationCode": ["LIS"],
    "destinationLocationCode": ["MAD"],
    "side": ["buy", "sell"],
    "type": ["market", "limit"],
    "time_in_force": ["day", "gtc"],
    "status": ["open", "all"],
}


def _with_known_values(value: Any, name: str | None = None) -> st.SearchStrategy[Any]:
    if isinstance(value, dict):
        return st.fixed_dictionaries({k: _with_known_values(v, k) for k, v in value.items()})
    if isinstance(value, list):
        return st.tuples(*(_with_known_values(item, name) for item in value)).map(list)
    if name in KNOWN:
        return st.sampled_from([value, *KNOWN[name]])
    return st.just(value)


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
    return _with_known_values(path_parameters)


@schema.hook
def flatmap_query(context: Any, query: dict[str, Any]) -> Any:
    return _with_known_values(query)


@schema.hook
def flatmap_body(context: Any, body: Any) -> Any:
    return _with_known_values(body)


def shared_error_body(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """A 4xx carries ``{"error": {"reason", "message", "hint"}}`` with a non-empty message."""
    if 400 <= response.status_code < 500:
        body = ErrorBody.model_validate_json(response.content)
        assert body.error.message.strip(), f"empty error message: {response.content!r}"
    return None


# Parameters are documented by what they must be, but several are parsed by hand (to refuse in
# the API's words) or depend on the world (an unknown venue id is schema-valid and a 404), so a
# schema-valid request may rightly be refused: acceptance is not a property of this API.
@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_route_answers_fuzzed_input_without_a_server_error(case: Case) -> None:
    case.call_and_validate(
        additional_checks=[shared_error_body], excluded_checks=[positive_data_acceptance]
    )


def test_the_document_gives_every_operation_the_shared_error_body() -> None:
    document = APP.openapi()
    operations = [op for ops in document["paths"].values() for op in ops.values()]
    assert len(operations) >= 30
    for operation in operations:
        error = operation["responses"]["4XX"]["content"]["application/json"]["schema"]
        assert error == {"$ref": "#/components/schemas/ErrorBody"}
        assert "422" not in operation["responses"]
    assert "HTTPValidationError" not in document["components"]["schemas"]
    for path in ("/calendar/freeBusy", "/flights/v1/booking/flight-orders"):
        assert "requestBody" in document["paths"][path]["post"], path


def test_a_405_names_every_method_the_path_serves() -> None:
    with TestClient(_app()) as client:
        reply = client.request("PUT", "/calendar/calendars/primary/events")
    assert reply.status_code == 405
    assert set(reply.headers["Allow"].split(", ")) == {"GET", "POST"}
    assert reply.json()["error"]["reason"] == "method_not_allowed"


# --- an idempotency key reused for a different write -------------------------------------------

EVENT = {
    "summary": "Fuzz review",
    "start": {"dateTime": "2026-03-04T16:00:00Z"},
    "end": {"dateTime": "2026-03-04T16:30:00Z"},
}


def _flight_order(client: TestClient) -> dict[str, Any]:
    found = client.get(
        "/flights/v2/shopping/flight-offers",
        params={
            "originLocationCode": "LIS",
            "destinationLocationCode": "MAD",
            "departureDate": "2026-03-10",
        },
    ).json()["data"]
    return {
        "data": {
            "type": "flight-order",
            "flightOffers": [{"id": found[0]["id"]}],
            "travelers": [{"id": "1", "name": {"firstName": "Ana", "lastName": "Silva"}}],
        }
    }


def _venue(client: TestClient) -> str:
    page = client.get(
        "/restaurants/v1/venues", params={"city": "Lisbon", "party_size": 2, "date": "2026-03-10"}
    )
    venue: str = page.json()["data"][0]["id"]
    return venue


def _table(venue: str, party: int) -> dict[str, Any]:
    return {
        "venue_id": venue,
        "start": "2026-03-10T20:00:00+00:00",
        "party_size": party,
        "name": "Ana",
    }


def _order(qty: str) -> dict[str, Any]:
    return {
        "symbol": "AAPL",
        "qty": qty,
        "side": "buy",
        "type": "limit",
        "limit_price": "1.00",
        "time_in_force": "day",
    }


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(_app()) as fresh:
        yield fresh


def _write(client: TestClient, method: str, path: str, key: str, body: Any = None) -> Any:
    return client.request(method, path, json=body, headers={"Idempotency-Key": key})


def _assert_reused(first: Any, again: Any, other: Any) -> None:
    assert first.status_code in (200, 201), first.text
    assert again.status_code == first.status_code, again.text
    assert again.json() == first.json()
    assert other.status_code == 409, other.text
    error = ErrorBody.model_validate(other.json()).error
    assert error.reason in ("idempotency_key_reused", "key_reused")  # flights: key_reused


def test_calendar_create_refuses_a_reused_key(client: TestClient) -> None:
    path = "/calendar/calendars/primary/events"
    first = _write(client, "POST", path, "k-cal", EVENT)
    again = _write(client, "POST", path, "k-cal", EVENT)
    other = _write(client, "POST", path, "k-cal", {**EVENT, "summary": "Something else"})
    _assert_reused(first, again, other)


def test_calendar_cancel_refuses_a_reused_key(client: TestClient) -> None:
    base = "/calendar/calendars/primary/events?allowConflict=true"
    one = _write(client, "POST", base, "k-c1", EVENT).json()["id"]
    later = {
        **EVENT,
        "start": {"dateTime": "2026-03-05T16:00:00Z"},
        "end": {"dateTime": "2026-03-05T16:30:00Z"},
    }
    two = _write(client, "POST", base, "k-c2", later).json()["id"]
    events = "/calendar/calendars/primary/events"
    first = _write(client, "DELETE", f"{events}/{one}", "k-cancel")
    again = _write(client, "DELETE", f"{events}/{one}", "k-cancel")
    other = _write(client, "DELETE", f"{events}/{two}", "k-cancel")
    _assert_reused(first, again, other)


def test_flights_book_refuses_a_reused_key(client: TestClient) -> None:
    path = "/flights/v1/booking/flight-orders"
    order = _flight_order(client)
    renamed = {
        "data": {
            **order["data"],
            "travelers": [{"id": "1", "name": {"firstName": "Rui", "lastName": "Costa"}}],
        }
    }
    first = _write(client, "POST", path, "k-fl", order)
    again = _write(client, "POST", path, "k-fl", order)
    other = _write(client, "POST", path, "k-fl", renamed)
    _assert_reused(first, again, other)


def test_flights_cancel_refuses_a_reused_key(client: TestClient) -> None:
    path = "/flights/v1/booking/flight-orders"
    order = _flight_order(client)
    one = _write(client, "POST", path, "k-f1", order).json()["data"]["id"]
    two = _write(client, "POST", path, "k-f2", order).json()["data"]["id"]
    first = _write(client, "DELETE", f"{path}/{one}", "k-fcancel")
    again = _write(client, "DELETE", f"{path}/{one}", "k-fcancel")
    other = _write(client, "DELETE", f"{path}/{two}", "k-fcancel")
    _assert_reused(first, again, other)


def test_restaurants_book_refuses_a_reused_key(client: TestClient) -> None:
    venue = _venue(client)
    path = "/restaurants/v1/reservations"
    first = _write(client, "POST", path, "k-rs", _table(venue, 2))
    again = _write(client, "POST", path, "k-rs", _table(venue, 2))
    other = _write(client, "POST", path, "k-rs", _table(venue, 3))
    _assert_reused(first, again, other)


def test_restaurants_cancel_refuses_a_reused_key(client: TestClient) -> None:
    venue = _venue(client)
    one = _write(client, "POST", "/restaurants/v1/reservations", "k-r1", _table(venue, 2)).json()[
        "id"
    ]
    two = _write(client, "POST", "/restaurants/v1/reservations", "k-r2", _table(venue, 4)).json()[
        "id"
    ]
    first = _write(client, "POST", f"/restaurants/v1/reservations/{one}/cancel", "k-rcancel")
    again = _write(client, "POST", f"/restaurants/v1/reservations/{one}/cancel", "k-rcancel")
    other = _write(client, "POST", f"/restaurants/v1/reservations/{two}/cancel", "k-rcancel")
    _assert_reused(first, again, other)


def test_broker_order_refuses_a_reused_key(client: TestClient) -> None:
    first = _write(client, "POST", "/broker/v2/orders", "k-br", _order("1"))
    again = _write(client, "POST", "/broker/v2/orders", "k-br", _order("1"))
    other = _write(client, "POST", "/broker/v2/orders", "k-br", _order("2"))
    _assert_reused(first, again, other)


def test_broker_cancel_refuses_a_reused_key(client: TestClient) -> None:
    one = _write(client, "POST", "/broker/v2/orders", "k-b1", _order("1")).json()["id"]
    two = _write(client, "POST", "/broker/v2/orders", "k-b2", _order("2")).json()["id"]
    first = _write(client, "DELETE", f"/broker/v2/orders/{one}", "k-bcancel")
    again = _write(client, "DELETE", f"/broker/v2/orders/{one}", "k-bcancel")
    other = _write(client, "DELETE", f"/broker/v2/orders/{two}", "k-bcancel")
    _assert_reused(first, again, other)
