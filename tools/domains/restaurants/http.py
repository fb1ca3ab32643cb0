"""``HttpRestaurantBackend``: the restaurant service over plangate's own REST API.

The API is plangate's own (no public restaurant API is open enough to model), shaped like the
common booking APIs: JSON bodies, cursor pagination, ``Idempotency-Key`` on every write. The
sandbox serves it (``plangate.tools.domains.restaurants.routes``); a real service may implement it
too.

Endpoints, relative to the service root (e.g. ``http://127.0.0.1:8765/restaurants``)::

    GET  /v1/venues?city=&party_size=&date=|at=&cuisine=&max_price_level=&limit=&cursor=
         city (required), party_size (required, 1-20), exactly one of
         date (YYYY-MM-DD: any seating that day) or at (ISO 8601 datetime, naive = the city's
         local time: seatings within an hour of it), cuisine (a ``Cuisine`` value),
         max_price_level (1-4), limit (1-50, default 10), cursor (opaque, from the last page)
         -> 200 {"data": [Venue, ...], "next_cursor": "..." | null}
    GET  /v1/venues/{venue_id}                                  -> 200 Venue
    GET  /v1/venues/{venue_id}/availability?date=&party_size=   -> 200 Availability
    POST /v1/reservations            header Idempotency-Key (required)
         body {"venue_id": str, "start": ISO 8601 datetime (naive = the venue's local time),
               "party_size": int, "name": str}                  -> 201 Reservation
    GET  /v1/reservations/{reservation_id}                      -> 200 Reservation
    GET  /v1/reservations?idempotency_key=               -> 200 {"data": [Reservation], "count": n}
         (the reservation the write with that key booked or cancelled; empty if none)
    GET  /v1/reservations?date=|date_from=&date_to=&time_from=&time_to=&venue=&city=
                          &party_size=&status=&limit=
         the user's reservations, filtered as ``ReservationQuery``
         (``plangate.tools.domains.restaurants.listing``) reads these parameters: dates
         YYYY-MM-DD and times HH:MM local to each venue, party_size 1-20, status
         confirmed|cancelled, limit 1-50 (default 20); not combined with idempotency_key
         -> 200 {"data": [Reservation, ...] (earliest seating first), "count": all that matched}
    POST /v1/reservations/{reservation_id}/cancel   header Idempotency-Key (required),
         no body                                                -> 200 Reservation

Bodies are the JSON form of ``plangate.tools.domains.restaurants.models`` (instants in ISO 8601 with
the venue's UTC offset, money as ``{"amount": "40.00", "currency": "EUR"}``). A repeated
``Idempotency-Key`` returns the first reply and changes nothing.

Errors share one shape, ``{"error": {"reason": str, "message": str, "hint": str}}``:

- 404 ``not_found`` (city, venue or reservation); 422 ``invalid`` (bad parameter, missing
  Idempotency-Key); 409 for the other refusals: ``past_date``, ``closed``, ``sold_out``,
  ``party_too_large``, ``already_cancelled``.
- 401/403 bad credentials; 429 with ``Retry-After`` (seconds); 5xx service failures.
- A query parameter of the wrong type (``party_size=abc``) is rejected by the framework with
  422 ``{"detail": [...]}``; the client never sends one.

``plangate.tools.http.HttpBackend`` retries reads and keyed writes on 429, 502-504 and timeouts, and
``plangate.tools.http.map_http_error`` turns the rest into plangate errors.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import quote

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
from plangate.tools.http import HttpBackend

SERVICE = "restaurants"


class HttpRestaurantBackend(HttpBackend):
    """The restaurant service over REST (the API in this module's docstring).

    Args:
        base_url: the service root, e.g. ``http://127.0.0.1:8765/restaurants``.
        token: a bearer token, if the service wants one.
        timeout: seconds for connect, read and write.
        retry: attempts and backoff for retries where they are safe.
        clock: what backoff sleeps on (a ``FakeClock`` in tests).
        transport: an httpx transport (tests).
        seed: seeds the backoff jitter.
    """

    SERVICE = SERVICE

    async def search(
        self,
        city: str,
        party_size: int,
        when: datetime | date,
        *,
        cuisine: Cuisine | None = None,
        max_price_level: int | None = None,
        limit: int = 10,
        cursor: str | None = None,
    ) -> VenuePage:
        """``GET /v1/venues``: one page of venues with a free table for the party."""
        params: dict[str, Any] = {"city": city, "party_size": party_size, "limit": limit}
        # datetime is a date too: test it first.
        params["at" if isinstance(when, datetime) else "date"] = when.isoformat()
        if cuisine is not None:
            params["cuisine"] = cuisine.value
        if max_price_level is not None:
            params["max_price_level"] = max_price_level
        if cursor is not None:
            params["cursor"] = cursor
        return await self.get_json("/v1/venues", VenuePage, params=params)

    async def get_venue(self, venue_id: str) -> Venue:
        """``GET /v1/venues/{id}``."""
        return await self.get_json(f"/v1/venues/{_segment(venue_id, 'venue')}", Venue)

    async def availability(self, venue_id: str, day: date, party_size: int) -> Availability:
        """``GET /v1/venues/{id}/availability``."""
        return await self.get_json(
            f"/v1/venues/{_segment(venue_id, 'venue')}/availability",
            Availability,
            params={"date": day.isoformat(), "party_size": party_size},
        )

    async def book(
        self, venue_id: str, start: datetime, party_size: int, name: str, idempotency_key: str
    ) -> Reservation:
        """``POST /v1/reservations`` with the caller's ``Idempotency-Key``."""
        body = {
            "venue_id": venue_id,
            "start": start.isoformat(),
            "party_size": party_size,
            "name": name,
        }
        return await self.send_json(
            "POST", "/v1/reservations", Reservation, json=body, idempotency_key=idempotency_key
        )

    async def cancel(self, reservation_id: str, idempotency_key: str) -> Reservation:
        """``POST /v1/reservations/{id}/cancel`` with the caller's ``Idempotency-Key``."""
        return await self.send_json(
            "POST",
            f"/v1/reservations/{_segment(reservation_id, 'reservation')}/cancel",
            Reservation,
            idempotency_key=idempotency_key,
        )

    async def find_reservation_by_key(self, idempotency_key: str) -> Reservation | None:
        """``GET /v1/reservations?idempotency_key=``: the first match, if any."""
        found = await self.get_json(
            "/v1/reservations", ReservationList, params={"idempotency_key": idempotency_key}
        )
        return found.data[0] if found.data else None

    async def get_reservation(self, reservation_id: str) -> Reservation:
        """``GET /v1/reservations/{id}``."""
        return await self.get_json(
            f"/v1/reservations/{_segment(reservation_id, 'reservation')}", Reservation
        )

    async def list_reservations(self, query: ReservationQuery) -> ReservationList:
        """``GET /v1/reservations`` with the query's filters as parameters."""
        return await self.get_json("/v1/reservations", ReservationList, params=query.params())


def _segment(value: str, kind: str) -> str:
    """``value`` as one path segment; an empty id would address another endpoint."""
    if not value:
        raise ToolRefusedError(
            f"no {kind} with id ''",
            reason="not_found",
            hint=f"pass the {kind}'s id as the service returned it",
        )
    return quote(value, safe="")
