"""The restaurants REST API (documented in ``plangate.tools.domains.restaurants.http``) over any
backend.

``router(backend)`` serves exactly the endpoints ``HttpRestaurantBackend`` calls. Parameters
arrive loosely typed and the backend validates them, so an out-of-range value is refused in the
same words, with the same reason, over HTTP as in process.
``plangate.tools.domains.server.create_app`` turns the backend's ``ToolRefusedError`` into the
shared error body.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Header, Query
from pydantic import BaseModel, ValidationError

from plangate.tools.domains.restaurants._rules import check_key
from plangate.tools.domains.restaurants.backend import RestaurantBackend
from plangate.tools.domains.restaurants.listing import ReservationQuery
from plangate.tools.domains.restaurants.models import (
    Availability,
    Cuisine,
    Reservation,
    ReservationList,
    Venue,
    VenuePage,
)
from plangate.tools.errors import ToolRefusedError

PREFIX = "/restaurants"

KeyHeader = Annotated[str | None, Header(alias="Idempotency-Key")]


class BookingRequest(BaseModel):
    """The body of ``POST /v1/reservations``; the backend validates the values."""

    venue_id: str
    start: datetime
    party_size: int
    name: str


def router(backend: RestaurantBackend) -> APIRouter:
    """The REST API over ``backend``, to mount at ``PREFIX``."""
    api = APIRouter(tags=["restaurants"])

    @api.get("/v1/venues", response_model=VenuePage)
    async def search_venues(
        city: str,
        party_size: int,
        day: Annotated[str | None, Query(alias="date")] = None,
        at: str | None = None,
        cuisine: str | None = None,
        max_price_level: int | None = None,
        limit: int = 10,
        cursor: str | None = None,
    ) -> VenuePage:
        return await backend.search(
            city,
            party_size,
            _when(day, at),
            cuisine=_cuisine(cuisine),
            max_price_level=max_price_level,
            limit=limit,
            cursor=cursor,
        )

    @api.get("/v1/venues/{venue_id}", response_model=Venue)
    async def get_venue(venue_id: str) -> Venue:
        return await backend.get_venue(venue_id)

    @api.get("/v1/venues/{venue_id}/availability", response_model=Availability)
    async def availability(
        venue_id: str, party_size: int, day: Annotated[str, Query(alias="date")]
    ) -> Availability:
        return await backend.availability(venue_id, _date(day), party_size)

    @api.post("/v1/reservations", response_model=Reservation, status_code=201)
    async def book(request: BookingRequest, key: KeyHeader = None) -> Reservation:
        return await backend.book(
            request.venue_id, request.start, request.party_size, request.name, _key(key)
        )

    @api.get("/v1/reservations", response_model=ReservationList)
    async def list_reservations(
        idempotency_key: str | None = None,
        day: Annotated[str | None, Query(alias="date")] = None,
        date_from: str | None = None,
        date_to: str | None = None,
        time_from: str | None = None,
        time_to: str | None = None,
        venue: str | None = None,
        city: str | None = None,
        status: str | None = None,
        party_size: int | None = None,
        limit: int | None = None,
    ) -> ReservationList:
        filters = {
            "date": day, "date_from": date_from, "date_to": date_to, "time_from": time_from,
            "time_to": time_to, "venue": venue, "city": city, "status": status,
            "party_size": party_size, "limit": limit,
        }  # fmt: skip
        given = {name: value for name, value in filters.items() if value is not None}
        if idempotency_key is not None:
            if given:
                raise _invalid(
                    "idempotency_key looks up one write: it takes no other parameter",
                    f"drop {', '.join(sorted(given))}, or list without idempotency_key",
                )
            found = await backend.find_reservation_by_key(idempotency_key)
            return ReservationList(data=() if found is None else (found,), count=int(bool(found)))
        return await backend.list_reservations(_query(given))

    @api.get("/v1/reservations/{reservation_id}", response_model=Reservation)
    async def get_reservation(reservation_id: str) -> Reservation:
        return await backend.get_reservation(reservation_id)

    @api.post("/v1/reservations/{reservation_id}/cancel", response_model=Reservation)
    async def cancel(reservation_id: str, key: KeyHeader = None) -> Reservation:
        return await backend.cancel(reservation_id, _key(key))

    return api


def _invalid(message: str, hint: str) -> ToolRefusedError:
    return ToolRefusedError(message, reason="invalid", hint=hint)


def _query(given: dict[str, str | int]) -> ReservationQuery:
    try:
        return ReservationQuery.model_validate(given)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'query'}: {error['msg']}"
            for error in exc.errors()
        )
        raise _invalid(
            f"bad reservation filter: {problems}",
            "dates as YYYY-MM-DD, times as HH:MM, status confirmed or cancelled, limit 1-50",
        ) from None


def _when(day: str | None, at: str | None) -> date | datetime:
    if (day is None) == (at is None):
        raise _invalid(
            "give exactly one of the query parameters date and at",
            "pass date=YYYY-MM-DD for a whole day, or at=YYYY-MM-DDTHH:MM for a time",
        )
    if at is not None:
        try:
            return datetime.fromisoformat(at)
        except ValueError:
            raise _invalid(
                f"at={at!r} is not an ISO 8601 datetime", "e.g. at=2026-03-05T19:30"
            ) from None
    assert day is not None  # exactly one of the two is set
    return _date(day)


def _date(day: str) -> date:
    try:
        return date.fromisoformat(day)
    except ValueError:
        raise _invalid(f"date={day!r} is not an ISO 8601 date", "e.g. date=2026-03-05") from None


def _cuisine(value: str | None) -> Cuisine | None:
    if value is None:
        return None
    try:
        return Cuisine(value)
    except ValueError:
        raise _invalid(
            f"cuisine={value!r} is not a known cuisine",
            f"choose one of: {', '.join(item.value for item in Cuisine)}",
        ) from None


def _key(value: str | None) -> str:
    # Refused here, not left to the backend: the API requires the header whatever serves it.
    check_key(value or "")
    return value or ""
