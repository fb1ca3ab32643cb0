"""The REST API as a raw HTTP client sees it: Amadeus-shaped documents and error bodies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from plangate.tools.domains.flights.sandbox import SandboxFlightBackend

from .harness import DAY

SEARCH = {
    "originLocationCode": "LIS",
    "destinationLocationCode": "MAD",
    "departureDate": DAY.isoformat(),
    "adults": "1",
    "travelClass": "ECONOMY",
    "max": "3",
}
TRAVELERS = [{"id": "1", "name": {"firstName": "Ada", "lastName": "Lovelace"}}]


@pytest.fixture
async def http(server_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server_url) as client:
        yield client


def order(offer_id: str) -> dict[str, Any]:
    return {
        "data": {
            "type": "flight-order",
            "flightOffers": [{"type": "flight-offer", "id": offer_id}],
            "travelers": TRAVELERS,
        }
    }


async def offer_id(http: httpx.AsyncClient) -> str:
    reply = await http.get("/v2/shopping/flight-offers", params=SEARCH)
    return str(reply.json()["data"][0]["id"])


async def test_search_answers_an_amadeus_document(http: httpx.AsyncClient) -> None:
    reply = await http.get("/v2/shopping/flight-offers", params=SEARCH)

    assert reply.status_code == 200
    body = reply.json()
    assert body["meta"]["count"] == len(body["data"])
    assert 1 <= len(body["data"]) <= 3
    offer = body["data"][0]
    assert offer["type"] == "flight-offer"
    segment = offer["itineraries"][0]["segments"][0]
    assert segment["departure"]["iataCode"] == "LIS"
    assert segment["departure"]["at"].startswith(DAY.isoformat())
    assert segment["carrierCode"] + segment["number"] == offer["id"].split("-")[0]
    assert offer["price"]["currency"] == "EUR"
    assert isinstance(offer["price"]["grandTotal"], str)
    fare = offer["travelerPricings"][0]["fareDetailsBySegment"][0]
    assert fare["cabin"] == "ECONOMY"


async def test_search_errors_are_error_bodies(http: httpx.AsyncClient) -> None:
    reply = await http.get("/v2/shopping/flight-offers", params={**SEARCH, "adults": "ten"})
    missing = await http.get("/v2/shopping/flight-offers", params={"originLocationCode": "LIS"})

    assert reply.status_code == 422
    assert reply.json()["error"]["reason"] == "invalid"
    assert "passengers" in reply.json()["error"]["message"]
    assert missing.status_code == 422
    assert "destination" in missing.json()["error"]["message"]


async def test_orders_are_created_read_found_and_deleted(
    http: httpx.AsyncClient, sandbox: SandboxFlightBackend
) -> None:
    created = await http.post(
        "/v1/booking/flight-orders",
        json=order(await offer_id(http)),
        headers={"Idempotency-Key": "key-1"},
    )
    assert created.status_code == 201
    order_id = created.json()["data"]["id"]
    assert created.json()["data"]["status"] == "CONFIRMED"

    read = await http.get(f"/v1/booking/flight-orders/{order_id}")
    found = await http.get("/v1/booking/flight-orders", params={"idempotencyKey": "key-1"})
    deleted = await http.delete(
        f"/v1/booking/flight-orders/{order_id}", headers={"Idempotency-Key": "cancel-1"}
    )

    assert read.json() == created.json()
    assert found.json() == {"meta": {"count": 1}, "data": [created.json()["data"]]}
    assert deleted.status_code == 200
    assert deleted.json()["data"]["status"] == "CANCELLED"
    assert "cancelledAt" in deleted.json()["data"]
    assert sandbox.audit() == []


@pytest.mark.parametrize("method", ["POST", "DELETE"])
async def test_writes_without_an_idempotency_key_are_refused(
    http: httpx.AsyncClient, sandbox: SandboxFlightBackend, method: str
) -> None:
    path = "/v1/booking/flight-orders" + ("" if method == "POST" else "/K7Q2ZD")
    body = order(await offer_id(http)) if method == "POST" else None

    reply = await http.request(method, path, json=body)

    assert reply.status_code == 422
    assert "Idempotency-Key" in reply.json()["error"]["message"]
    assert sandbox.bookings() == []


async def test_orders_are_looked_up_by_key_not_listed(http: httpx.AsyncClient) -> None:
    reply = await http.get("/v1/booking/flight-orders")
    unknown = await http.get("/v1/booking/flight-orders", params={"idempotencyKey": "nope"})

    assert reply.status_code == 422
    assert "idempotencyKey" in reply.json()["error"]["hint"]
    assert unknown.json() == {"meta": {"count": 0}, "data": []}


@pytest.mark.parametrize(
    "body",
    [b"{not json", b'{"data": {"flightOffers": []}}', b'{"data": {"flightOffers": [{"id": ""}]}}'],
)
async def test_malformed_request_bodies_are_invalid(http: httpx.AsyncClient, body: bytes) -> None:
    reply = await http.post("/v1/shopping/flight-offers/pricing", content=body)

    assert reply.status_code == 422
    assert reply.json()["error"]["reason"] == "invalid"


async def test_bad_traveler_names_are_invalid(http: httpx.AsyncClient) -> None:
    body = order(await offer_id(http))
    body["data"]["travelers"] = [{"id": "1", "name": {"firstName": "R2", "lastName": "D2"}}]

    reply = await http.post(
        "/v1/booking/flight-orders", json=body, headers={"Idempotency-Key": "key-1"}
    )

    assert reply.status_code == 422
    assert "first_name" in reply.json()["error"]["message"]


async def test_refusals_map_to_404_and_409(http: httpx.AsyncClient) -> None:
    missing = await http.get("/v1/booking/flight-orders/ZZZZZZ")
    past = await http.get(
        "/v2/shopping/flight-offers", params={**SEARCH, "departureDate": "2025-01-01"}
    )

    assert missing.status_code == 404
    assert missing.json()["error"]["reason"] == "not_found"
    assert past.status_code == 409
    assert past.json()["error"]["reason"] == "past_date"
