"""``HttpFlightBackend``: the ``FlightBackend`` over REST, shaped like Amadeus Self-Service.

The API is Amadeus's Flight Offers Search, Flight Offers Price, Flight Create Orders and Flight
Order Management, with the departures from it listed in ``plangate.tools.domains.flights.wire``
(offers by id, times with offsets, order status, the lookup by idempotency key). Point it at the
sandbox server (``http://127.0.0.1:PORT/flights``) or at any service speaking the same documents.

Nothing here pages. Search has no pages in Amadeus either (``max`` bounds it), and flight orders
are never listed, only looked up by id or by idempotency key, which finds at most one.

Retries come from ``plangate.tools.http.HttpBackend``: reads are retried on 429, 502–504 and
timeouts, and so are writes, because every write carries its ``Idempotency-Key`` and a repeat
returns the first result. Pricing changes nothing but is a POST (Amadeus sends the offer in the
body): it is sent with a key derived from the offer id, which marks it safe to repeat, and a reply
it never got is a plain timeout rather than an unknown write.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TypeVar
from urllib.parse import quote

from pydantic import ValidationError

from plangate.tools.domains.flights.models import (
    Booking,
    BookingRef,
    Cabin,
    Offer,
    Passenger,
    validated,
)
from plangate.tools.domains.flights.wire import (
    KEY_PARAM,
    ORDERS_PATH,
    PRICING_PATH,
    SEARCH_PATH,
    OfferById,
    OrderData,
    OrderReply,
    OrderRequest,
    OrdersReply,
    PricingData,
    PricingReply,
    PricingRequest,
    SearchReply,
    booking_from_wire,
    dump,
    offer_from_wire,
    travelers_to_wire,
)
from plangate.tools.errors import MalformedResponseError, OutcomeUnknownError, ToolTimeoutError
from plangate.tools.http import HttpBackend

T = TypeVar("T")

SERVICE = "flights"


class HttpFlightBackend(HttpBackend):
    """A ``FlightBackend`` speaking the Amadeus-shaped flights API.

    Args:
        base_url: the API's root, e.g. ``http://127.0.0.1:8765/flights``.
        token: a bearer token, if the service wants one.
        timeout: seconds for connect, read and write.
        retry: attempts and backoff (``HttpBackend``'s default when ``None``).
        clock: what backoff sleeps on.
        transport: an httpx transport (tests).
        headers: extra headers sent with every request.
        seed: seeds the backoff jitter.
    """

    SERVICE = SERVICE

    async def __aenter__(self) -> HttpFlightBackend:
        return self

    async def search(
        self,
        origin: str,
        destination: str,
        departure_date: date,
        passengers: int = 1,
        cabin: Cabin = "economy",
        max_results: int = 10,
    ) -> list[Offer]:
        """GET the flight offers (Amadeus Flight Offers Search)."""
        params = {
            "originLocationCode": origin,
            "destinationLocationCode": destination,
            "departureDate": str(departure_date),
            "adults": passengers,
            "travelClass": cabin.upper(),
            "max": max_results,
        }
        reply = await self.get_json(SEARCH_PATH, SearchReply, params=params)
        return self._convert("offer", lambda: [offer_from_wire(o) for o in reply.data])

    async def get_offer(self, offer_id: str) -> Offer:
        """POST the offer for pricing (Amadeus Flight Offers Price)."""
        body = PricingRequest(data=PricingData(flight_offers=[OfferById(id=offer_id)]))
        try:
            reply = await self.send_json(
                "POST",
                PRICING_PATH,
                PricingReply,
                json=dump(body),
                idempotency_key=f"pricing:{offer_id}",
            )
        except OutcomeUnknownError as exc:
            raise ToolTimeoutError(f"{SERVICE}: no reply to pricing {offer_id}") from exc
        return self._convert("offer", lambda: offer_from_wire(reply.data.flight_offers[0]))

    async def book(
        self, offer_id: str, passengers: Sequence[Passenger], idempotency_key: str
    ) -> Booking:
        """POST a flight order (Amadeus Flight Create Orders) under ``idempotency_key``."""
        body = OrderRequest(
            data=OrderData(
                flight_offers=[OfferById(id=offer_id)],
                travelers=travelers_to_wire(list(passengers)),
            )
        )
        reply = await self.send_json(
            "POST", ORDERS_PATH, OrderReply, json=dump(body), idempotency_key=idempotency_key
        )
        return self._convert("flight order", lambda: booking_from_wire(reply.data))

    async def cancel(self, booking_id: str, idempotency_key: str) -> Booking:
        """DELETE a flight order; the reply is the cancelled order."""
        reply = await self.send_json(
            "DELETE", self._order_path(booking_id), OrderReply, idempotency_key=idempotency_key
        )
        return self._convert("flight order", lambda: booking_from_wire(reply.data))

    async def find_booking_by_key(self, idempotency_key: str) -> Booking | None:
        """GET the order the write with this key made or cancelled (our extension)."""
        reply = await self.get_json(ORDERS_PATH, OrdersReply, params={KEY_PARAM: idempotency_key})
        if len(reply.data) > 1:
            raise MalformedResponseError(
                f"{SERVICE}: {len(reply.data)} orders for one idempotency key",
                service=SERVICE,
                body=repr([order.id for order in reply.data]),
            )
        if not reply.data:
            return None
        return self._convert("flight order", lambda: booking_from_wire(reply.data[0]))

    async def get_booking(self, booking_id: str) -> Booking:
        """GET a flight order."""
        reply = await self.get_json(self._order_path(booking_id), OrderReply)
        return self._convert("flight order", lambda: booking_from_wire(reply.data))

    @staticmethod
    def _order_path(booking_id: str) -> str:
        # Checked here: an empty id would address the collection, not an order.
        booking_id = validated(BookingRef, booking_id=booking_id).booking_id
        return f"{ORDERS_PATH}/{quote(booking_id, safe='')}"

    @staticmethod
    def _convert(what: str, convert: Callable[[], T]) -> T:
        """Our model from a well-formed reply; one that breaks our rules is malformed."""
        try:
            return convert()
        except (ValidationError, ValueError) as exc:
            raise MalformedResponseError(
                f"{SERVICE}: the reply holds an invalid {what}: {exc}",
                service=SERVICE,
                body=str(exc),
            ) from exc
