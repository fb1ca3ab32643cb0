"""The flights REST API over any ``FlightBackend``: what ``HttpFlightBackend`` calls.

Mounted at ``PREFIX`` by ``plangate sandbox serve`` (``plangate.tools.domains.server.create_app``).
The documents are Amadeus-shaped (``plangate.tools.domains.flights.wire`` lists the endpoints and
where they depart from Amadeus). Input is validated by the same models the sandbox uses, so a bad
request is refused with the same ``invalid`` reason (HTTP 422) whichever side notices it; the
server's error handler turns every refusal into ``{"error": {"reason", "message", "hint"}}``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse

from plangate.tools.domains.flights.backend import FlightBackend
from plangate.tools.domains.flights.models import Passenger, SearchQuery, validated
from plangate.tools.domains.flights.wire import (
    KEY_PARAM,
    ORDERS_PATH,
    PRICING_PATH,
    SEARCH_PATH,
    Meta,
    OrderReply,
    OrderRequest,
    OrdersReply,
    PricedData,
    PricingReply,
    PricingRequest,
    SearchReply,
    booking_to_wire,
    dump,
    offer_to_wire,
    read_request,
)
from plangate.tools.domains.server import json_body
from plangate.tools.errors import ToolRefusedError

PREFIX = "/flights"

_COUNT = {"pattern": "^[0-9]+$"}  # parsed by SearchQuery, so refusals read alike in process
KeyHeader = Annotated[str | None, Header(alias="Idempotency-Key")]


def _required(key: str | None) -> str:
    if not key:
        raise ToolRefusedError(
            "this write needs an Idempotency-Key header",
            reason="invalid",
            hint="Send a unique Idempotency-Key with every POST and DELETE.",
        )
    return key


def router(backend: FlightBackend) -> APIRouter:
    """The flights API, serving ``backend``."""
    api = APIRouter()

    @api.get(SEARCH_PATH, response_model=SearchReply)
    async def search_offers(
        origin: Annotated[str | None, Query(alias="originLocationCode")] = None,
        destination: Annotated[str | None, Query(alias="destinationLocationCode")] = None,
        departure_date: Annotated[
            str | None, Query(alias="departureDate", json_schema_extra={"format": "date"})
        ] = None,
        adults: Annotated[str | None, Query(alias="adults", json_schema_extra=_COUNT)] = None,
        travel_class: Annotated[str | None, Query(alias="travelClass")] = None,
        max_results: Annotated[str | None, Query(alias="max", json_schema_extra=_COUNT)] = None,
    ) -> JSONResponse:
        given = {
            "origin": origin,
            "destination": destination,
            "departure_date": departure_date,
            "passengers": adults,
            "cabin": travel_class.lower() if travel_class else None,
            "max_results": max_results,
        }
        query = validated(SearchQuery, **{k: v for k, v in given.items() if v is not None})
        offers = await backend.search(
            query.origin,
            query.destination,
            query.departure_date,
            query.passengers,
            query.cabin,
            query.max_results,
        )
        reply = SearchReply(meta=Meta(count=len(offers)), data=[offer_to_wire(o) for o in offers])
        return JSONResponse(dump(reply))

    @api.post(PRICING_PATH, response_model=PricingReply, openapi_extra=json_body(PricingRequest))
    async def price_offer(request: Request) -> JSONResponse:
        asked = read_request(await request.body(), PricingRequest)
        offer = await backend.get_offer(asked.data.flight_offers[0].id)
        return JSONResponse(
            dump(PricingReply(data=PricedData(flight_offers=[offer_to_wire(offer)])))
        )

    @api.post(
        ORDERS_PATH,
        response_model=OrderReply,
        status_code=201,
        openapi_extra=json_body(OrderRequest),
    )
    async def create_order(request: Request, key: KeyHeader = None) -> JSONResponse:
        order = read_request(await request.body(), OrderRequest).data
        passengers = [
            validated(Passenger, first_name=t.name.first_name, last_name=t.name.last_name)
            for t in order.travelers
        ]
        booking = await backend.book(order.flight_offers[0].id, passengers, _required(key))
        return JSONResponse(dump(OrderReply(data=booking_to_wire(booking))), status_code=201)

    @api.get(ORDERS_PATH, response_model=OrdersReply)
    async def find_order(
        idempotency_key: Annotated[str | None, Query(alias=KEY_PARAM)] = None,
    ) -> JSONResponse:
        if not idempotency_key:
            raise ToolRefusedError(
                f"flight orders are looked up by key, not listed: {KEY_PARAM} is required",
                reason="invalid",
                hint=f"Send ?{KEY_PARAM}=<the write's Idempotency-Key>.",
            )
        found = await backend.find_booking_by_key(idempotency_key)
        orders = [] if found is None else [booking_to_wire(found)]
        return JSONResponse(dump(OrdersReply(meta=Meta(count=len(orders)), data=orders)))

    @api.get(ORDERS_PATH + "/{order_id}", response_model=OrderReply)
    async def get_order(order_id: str) -> JSONResponse:
        booking = await backend.get_booking(order_id)
        return JSONResponse(dump(OrderReply(data=booking_to_wire(booking))))

    @api.delete(ORDERS_PATH + "/{order_id}", response_model=OrderReply)
    async def cancel_order(order_id: str, key: KeyHeader = None) -> JSONResponse:
        booking = await backend.cancel(order_id, _required(key))
        return JSONResponse(dump(OrderReply(data=booking_to_wire(booking))))

    return api
