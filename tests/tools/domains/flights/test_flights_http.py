"""HttpFlightBackend against a mocked Amadeus-shaped API (respx): statuses, timeouts, bad bodies."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import respx

from plangate.tools.base import RetryPolicy
from plangate.tools.clock import FakeClock
from plangate.tools.domains.flights.http import HttpFlightBackend
from plangate.tools.domains.flights.models import Passenger
from plangate.tools.errors import (
    BackendError,
    MalformedResponseError,
    OutcomeUnknownError,
    RateLimitedError,
    ToolRefusedError,
    ToolTimeoutError,
)
from plangate.tools.money import Money

BASE = "https://flights.example.test/flights"
ADA = Passenger(first_name="Ada", last_name="Lovelace")

# An offer as Amadeus writes it: local times without offsets, prices as strings.
OFFER: dict[str, Any] = {
    "type": "flight-offer",
    "id": "TP141-20260316.Y1",
    "source": "GDS",
    "instantTicketingRequired": False,
    "oneWay": True,
    "lastTicketingDate": "2026-03-16",
    "numberOfBookableSeats": 7,
    "itineraries": [
        {
            "duration": "PT1H10M",
            "segments": [
                {
                    "departure": {"iataCode": "LIS", "terminal": "1", "at": "2026-03-16T08:05:00"},
                    "arrival": {"iataCode": "MAD", "terminal": "4", "at": "2026-03-16T10:15:00"},
                    "carrierCode": "TP",
                    "number": "141",
                    "aircraft": {"code": "320"},
                    "duration": "PT1H10M",
                    "id": "1",
                    "numberOfStops": 0,
                    "blacklistedInEU": False,
                }
            ],
        }
    ],
    "price": {"currency": "EUR", "total": "82.00", "base": "61.00", "grandTotal": "82.00"},
    "validatingAirlineCodes": ["TP"],
    "travelerPricings": [
        {
            "travelerId": "1",
            "fareOption": "STANDARD",
            "travelerType": "ADULT",
            "price": {"currency": "EUR", "total": "82.00", "base": "61.00"},
            "fareDetailsBySegment": [{"segmentId": "1", "cabin": "ECONOMY", "class": "Y"}],
        }
    ],
}
ORDER: dict[str, Any] = {
    "type": "flight-order",
    "id": "K7Q2ZD",
    "associatedRecords": [
        {
            "reference": "K7Q2ZD",
            "creationDate": "2026-01-05T09:00:00+00:00",
            "originSystemCode": "GDS",
            "flightOfferId": OFFER["id"],
        }
    ],
    "flightOffers": [OFFER],
    "travelers": [{"id": "1", "name": {"firstName": "Ada", "lastName": "Lovelace"}}],
    "status": "CONFIRMED",
    "idempotencyKey": "key-1",
}
SEARCH = f"{BASE}/v2/shopping/flight-offers"
PRICING = f"{BASE}/v1/shopping/flight-offers/pricing"
ORDERS = f"{BASE}/v1/booking/flight-orders"


def refusal(status: int, reason: str, hint: str = "") -> httpx.Response:
    body = {"error": {"reason": reason, "message": f"refused: {reason}", "hint": hint}}
    return httpx.Response(status, json=body)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def client(clock: FakeClock) -> AsyncIterator[HttpFlightBackend]:
    retry = RetryPolicy(max_attempts=3, initial_delay=0.5, max_delay=4.0)
    async with HttpFlightBackend(BASE, clock=clock, retry=retry, token="secret") as backend:
        yield backend


# -- 2xx: the documents are read into our models ------------------------------------------------


@respx.mock
async def test_search_sends_amadeus_parameters_and_reads_local_times(
    client: HttpFlightBackend,
) -> None:
    route = respx.get(SEARCH).mock(
        return_value=httpx.Response(200, json={"meta": {"count": 1}, "data": [OFFER]})
    )

    offers = await client.search("LIS", "MAD", date(2026, 3, 16), 2, "premium_economy", 5)

    sent = route.calls.last.request
    assert dict(sent.url.params) == {
        "originLocationCode": "LIS",
        "destinationLocationCode": "MAD",
        "departureDate": "2026-03-16",
        "adults": "2",
        "travelClass": "PREMIUM_ECONOMY",
        "max": "5",
    }
    assert sent.headers["Authorization"] == "Bearer secret"
    (offer,) = offers
    assert offer.id == OFFER["id"]
    assert offer.departure == datetime(2026, 3, 16, 8, 5, tzinfo=ZoneInfo("Europe/Lisbon"))
    assert offer.arrival == datetime(2026, 3, 16, 10, 15, tzinfo=ZoneInfo("Europe/Madrid"))
    assert offer.segments[0].duration == timedelta(hours=1, minutes=10)
    assert offer.price == Money.of("82.00", "EUR")
    assert (offer.cabin, offer.passengers, offer.seats_left) == ("economy", 1, 7)


@respx.mock
async def test_pricing_posts_the_offer_id(client: HttpFlightBackend) -> None:
    route = respx.post(PRICING).mock(
        return_value=httpx.Response(
            200, json={"data": {"type": "flight-offers-pricing", "flightOffers": [OFFER]}}
        )
    )

    offer = await client.get_offer(OFFER["id"])

    body = json.loads(route.calls.last.request.content)
    assert body == {
        "data": {
            "type": "flight-offers-pricing",
            "flightOffers": [{"type": "flight-offer", "id": OFFER["id"]}],
        }
    }
    assert offer.id == OFFER["id"]


@respx.mock
async def test_book_posts_travelers_with_the_idempotency_key(client: HttpFlightBackend) -> None:
    route = respx.post(ORDERS).mock(return_value=httpx.Response(201, json={"data": ORDER}))

    booking = await client.book(OFFER["id"], [ADA], "key-1")

    sent = route.calls.last.request
    assert sent.headers["Idempotency-Key"] == "key-1"
    assert json.loads(sent.content)["data"]["travelers"] == ORDER["travelers"]
    assert booking.id == "K7Q2ZD"
    assert booking.status == "confirmed"
    assert booking.passengers == [ADA]


@respx.mock
async def test_cancel_deletes_the_order_by_its_quoted_id(client: HttpFlightBackend) -> None:
    cancelled = {**ORDER, "id": "A/B", "status": "CANCELLED", "cancelledAt": "2026-01-06T10:00:00Z"}
    route = respx.delete(f"{ORDERS}/A%2FB").mock(
        return_value=httpx.Response(200, json={"data": cancelled})
    )

    booking = await client.cancel("A/B", "cancel-1")

    assert route.calls.last.request.headers["Idempotency-Key"] == "cancel-1"
    assert booking.status == "cancelled"
    assert booking.cancelled_at == datetime.fromisoformat("2026-01-06T10:00:00+00:00")


@respx.mock
async def test_find_by_key_asks_our_extension(client: HttpFlightBackend) -> None:
    route = respx.get(ORDERS, params={"idempotencyKey": "key-1"}).mock(
        side_effect=[
            httpx.Response(200, json={"meta": {"count": 1}, "data": [ORDER]}),
            httpx.Response(200, json={"meta": {"count": 0}, "data": []}),
            httpx.Response(200, json={"meta": {"count": 2}, "data": [ORDER, ORDER]}),
        ]
    )

    found = await client.find_booking_by_key("key-1")
    assert found is not None
    assert found.id == "K7Q2ZD"
    assert await client.find_booking_by_key("key-1") is None
    with pytest.raises(MalformedResponseError, match="2 orders for one idempotency key"):
        await client.find_booking_by_key("key-1")
    assert route.call_count == 3


# -- 4xx: refusals come back as refusals, and are never retried -------------------------------


@respx.mock
@pytest.mark.parametrize(
    ("status", "reason"), [(404, "not_found"), (409, "sold_out"), (422, "invalid")]
)
async def test_refusals_keep_reason_and_hint(
    client: HttpFlightBackend, status: int, reason: str
) -> None:
    route = respx.post(ORDERS).mock(return_value=refusal(status, reason, "try another flight"))

    with pytest.raises(ToolRefusedError) as caught:
        await client.book(OFFER["id"], [ADA], "key-1")

    assert caught.value.reason == reason
    assert caught.value.hint == "try another flight"
    assert route.call_count == 1


@respx.mock
async def test_unauthorized_is_a_backend_error_and_not_retried(client: HttpFlightBackend) -> None:
    route = respx.get(SEARCH).mock(return_value=httpx.Response(401, json={"detail": "no"}))

    with pytest.raises(BackendError) as caught:
        await client.search("LIS", "MAD", date(2026, 3, 16))

    assert caught.value.status == 401
    assert route.call_count == 1


@respx.mock
async def test_429_waits_as_long_as_retry_after_says(
    client: HttpFlightBackend, clock: FakeClock
) -> None:
    route = respx.get(SEARCH).mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "3"}, json={}),
            httpx.Response(200, json={"meta": {"count": 0}, "data": []}),
        ]
    )

    assert await client.search("LIS", "MAD", date(2026, 3, 16)) == []
    assert route.call_count == 2
    assert clock.sleeps == [3.0]


@respx.mock
async def test_429_for_ever_ends_as_rate_limited(client: HttpFlightBackend) -> None:
    respx.get(SEARCH).mock(return_value=httpx.Response(429, headers={"Retry-After": "1"}))

    with pytest.raises(RateLimitedError) as caught:
        await client.search("LIS", "MAD", date(2026, 3, 16))

    assert caught.value.retry_after == 1.0


# -- 5xx and timeouts: reads retry; writes retry only under their key -------------------------


@respx.mock
async def test_a_read_is_retried_after_503(client: HttpFlightBackend) -> None:
    route = respx.get(f"{ORDERS}/K7Q2ZD").mock(
        side_effect=[httpx.Response(503), httpx.Response(200, json={"data": ORDER})]
    )

    assert (await client.get_booking("K7Q2ZD")).id == "K7Q2ZD"
    assert route.call_count == 2


@respx.mock
async def test_a_booking_retried_after_503_carries_the_same_key(
    client: HttpFlightBackend,
) -> None:
    route = respx.post(ORDERS).mock(
        side_effect=[httpx.Response(503), httpx.Response(201, json={"data": ORDER})]
    )

    booking = await client.book(OFFER["id"], [ADA], "key-1")

    assert booking.id == "K7Q2ZD"
    keys = [call.request.headers["Idempotency-Key"] for call in route.calls]
    assert keys == ["key-1", "key-1"]


@respx.mock
async def test_a_booking_whose_reply_times_out_is_retried_under_its_key(
    client: HttpFlightBackend,
) -> None:
    route = respx.post(ORDERS).mock(
        side_effect=[httpx.ReadTimeout("slow"), httpx.Response(201, json={"data": ORDER})]
    )

    assert (await client.book(OFFER["id"], [ADA], "key-1")).id == "K7Q2ZD"
    assert [c.request.headers["Idempotency-Key"] for c in route.calls] == ["key-1", "key-1"]


@respx.mock
async def test_a_booking_that_never_answers_has_an_unknown_outcome(
    client: HttpFlightBackend,
) -> None:
    respx.post(ORDERS).mock(side_effect=httpx.ReadTimeout("slow"))

    with pytest.raises(OutcomeUnknownError) as caught:
        await client.book(OFFER["id"], [ADA], "key-1")

    assert caught.value.key == "key-1"


@respx.mock
async def test_a_500_on_a_booking_is_not_repeated(client: HttpFlightBackend) -> None:
    route = respx.post(ORDERS).mock(return_value=httpx.Response(500, json={"detail": "boom"}))

    with pytest.raises(BackendError) as caught:
        await client.book(OFFER["id"], [ADA], "key-1")

    assert caught.value.status == 500
    assert route.call_count == 1


@respx.mock
async def test_a_read_that_keeps_timing_out_is_a_timeout(client: HttpFlightBackend) -> None:
    route = respx.get(SEARCH).mock(side_effect=httpx.ReadTimeout("slow"))

    with pytest.raises(ToolTimeoutError):
        await client.search("LIS", "MAD", date(2026, 3, 16))

    assert route.call_count == 3


@respx.mock
async def test_pricing_without_a_reply_is_a_timeout_not_an_unknown_write(
    client: HttpFlightBackend,
) -> None:
    route = respx.post(PRICING).mock(side_effect=httpx.ReadTimeout("slow"))

    with pytest.raises(ToolTimeoutError) as caught:
        await client.get_offer(OFFER["id"])

    assert not isinstance(caught.value, OutcomeUnknownError)
    assert route.call_count == 3


@respx.mock
async def test_connection_refused_is_retried_then_reported(client: HttpFlightBackend) -> None:
    route = respx.post(ORDERS).mock(side_effect=httpx.ConnectError("refused"))

    with pytest.raises(BackendError) as caught:
        await client.book(OFFER["id"], [ADA], "key-1")

    assert caught.value.status is None
    assert not isinstance(caught.value, OutcomeUnknownError)  # nothing was sent
    assert route.call_count == 3


# -- malformed bodies ---------------------------------------------------------------------------


@respx.mock
@pytest.mark.parametrize(
    "body",
    [
        b'{"meta": {"count": 1}, "data": [{"trunc',
        b'{"data": []}',
        json.dumps({"meta": {"count": 1}, "data": [{**OFFER, "itineraries": []}]}).encode(),
    ],
)
async def test_a_body_not_in_the_documented_shape_is_malformed(
    client: HttpFlightBackend, body: bytes
) -> None:
    respx.get(SEARCH).mock(return_value=httpx.Response(200, content=body))

    with pytest.raises(MalformedResponseError):
        await client.search("LIS", "MAD", date(2026, 3, 16))


@respx.mock
@pytest.mark.parametrize(
    "change",
    [
        {"price": {"currency": "EURO", "total": "82.00"}},
        {"numberOfBookableSeats": -1},
        {
            "travelerPricings": [
                {
                    **OFFER["travelerPricings"][0],
                    "fareDetailsBySegment": [{"segmentId": "1", "cabin": "ECONOMY"}],
                },
                {
                    **OFFER["travelerPricings"][0],
                    "fareDetailsBySegment": [{"segmentId": "1", "cabin": "FIRST"}],
                },
            ]
        },
    ],
)
async def test_a_well_formed_offer_that_breaks_our_rules_is_malformed(
    client: HttpFlightBackend, change: dict[str, Any]
) -> None:
    respx.get(SEARCH).mock(
        return_value=httpx.Response(200, json={"meta": {"count": 1}, "data": [{**OFFER, **change}]})
    )

    with pytest.raises(MalformedResponseError, match="invalid offer"):
        await client.search("LIS", "MAD", date(2026, 3, 16))


@respx.mock
async def test_an_unknown_airport_in_a_reply_is_malformed(client: HttpFlightBackend) -> None:
    segment = OFFER["itineraries"][0]["segments"][0]
    odd = {**segment, "arrival": {"iataCode": "XXX", "at": "2026-03-16T10:15:00+01:00"}}
    itinerary = {**OFFER["itineraries"][0], "segments": [odd]}
    respx.post(PRICING).mock(
        return_value=httpx.Response(
            200, json={"data": {"flightOffers": [{**OFFER, "itineraries": [itinerary]}]}}
        )
    )

    with pytest.raises(MalformedResponseError, match="XXX"):
        await client.get_offer(OFFER["id"])
