"""The restaurant tools the model calls: search, check availability, book, list and cancel.

Each takes its args model and a ``ToolContext`` whose ``deps`` is a ``RestaurantBackend``.
Business refusals arrive from the backend as ``ToolRefusedError`` (reason and hint intact), which
the engine shows the model. The two writes pass the context's idempotency key to the backend,
serialize per resource (``conflict_key``) and settle an unknown outcome through the backend's
lookup by key (``reconciler``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from plangate.tools.base import RetryPolicy, Tool, ToolContext, tool
from plangate.tools.domains.restaurants.backend import RestaurantBackend
from plangate.tools.domains.restaurants.listing import ReservationQuery
from plangate.tools.domains.restaurants.models import (
    Availability,
    Cuisine,
    PartySize,
    PriceLevel,
    Reservation,
    ReservationList,
    VenuePage,
)
from plangate.tools.errors import UsageError

READ_RETRY = RetryPolicy(max_attempts=3, initial_delay=0.2, max_delay=4.0)
# A write is retried only after the executor reconciled it by key, so retrying cannot book twice.
WRITE_RETRY = RetryPolicy(max_attempts=3, initial_delay=0.2, max_delay=4.0)


class SearchRestaurantsArgs(BaseModel):
    """Arguments of ``search_restaurants``."""

    model_config = ConfigDict(extra="forbid")

    city: str = Field(min_length=1, description="City to search, e.g. 'Lisbon'.")
    party_size: PartySize
    date: dt.date = Field(description="Local date of the meal, YYYY-MM-DD.")
    time: dt.time | None = Field(
        default=None,
        description="Local time, HH:MM; only venues with a seating within an hour of it. "
        "Omit for any time that day.",
    )
    cuisine: Cuisine | None = Field(default=None, description="Only this cuisine.")
    max_price_level: PriceLevel | None = Field(
        default=None, description="Only venues at or below this price level (1-4)."
    )
    limit: int = Field(default=10, ge=1, le=50, description="Venues per page, 1 to 50.")
    cursor: str | None = Field(
        default=None, description="next_cursor of the previous page, for the next page."
    )


class CheckAvailabilityArgs(BaseModel):
    """Arguments of ``check_availability``."""

    model_config = ConfigDict(extra="forbid")

    venue_id: str = Field(min_length=1, description="Venue id from search_restaurants.")
    date: dt.date = Field(description="Local date, YYYY-MM-DD.")
    party_size: PartySize


class BookTableArgs(BaseModel):
    """Arguments of ``book_table``."""

    model_config = ConfigDict(extra="forbid")

    venue_id: str = Field(min_length=1, description="Venue id from search_restaurants.")
    start: dt.datetime = Field(
        description="Seating start in the venue's local time, e.g. '2026-03-05T19:30'; "
        "seatings start on the hour or half hour."
    )
    party_size: PartySize
    name: str = Field(min_length=1, max_length=80, description="Name to book the table under.")


class ListReservationsArgs(ReservationQuery):
    """Arguments of ``list_reservations``: the filters of ``ReservationQuery``, all optional."""


class CancelReservationArgs(BaseModel):
    """Arguments of ``cancel_reservation``."""

    model_config = ConfigDict(extra="forbid")

    reservation_id: str = Field(
        min_length=1, description="Reservation id from book_table or list_reservations."
    )


def _backend(ctx: ToolContext[Any]) -> RestaurantBackend:
    backend: RestaurantBackend = ctx.deps
    return backend


def _write_key(ctx: ToolContext[Any], tool_name: str) -> str:
    if ctx.idempotency_key is None:
        raise UsageError(
            f"{tool_name} is a write and needs ctx.idempotency_key: run it through "
            "plangate.tools.executor.ToolExecutor, which derives one"
        )
    return ctx.idempotency_key


async def find_booking(ctx: ToolContext[Any], key: str) -> Reservation | None:
    """Reconciler of ``book_table``: the reservation booked with ``key``, if any."""
    found = await _backend(ctx).find_reservation_by_key(key)
    return found if found is not None and found.idempotency_key == key else None


async def find_cancellation(ctx: ToolContext[Any], key: str) -> Reservation | None:
    """Reconciler of ``cancel_reservation``: the reservation cancelled with ``key``, if any."""
    found = await _backend(ctx).find_reservation_by_key(key)
    return found if found is not None and found.cancel_idempotency_key == key else None


def _booking_resource(args: BookTableArgs) -> str:
    # Bookings at one venue on one day compete for the same tables: serialize them.
    return f"{args.venue_id}:{args.start.date().isoformat()}"


def _cancel_resource(args: CancelReservationArgs) -> str:
    return args.reservation_id


@tool(effect="read", retry=READ_RETRY)
async def search_restaurants(
    args: SearchRestaurantsArgs, ctx: ToolContext[RestaurantBackend]
) -> VenuePage:
    """Find restaurants in a city with a free table for the party on a date, near a time if given.

    Results are best rated first; pass next_cursor back as cursor for more.
    """
    when: dt.date | dt.datetime = (
        args.date if args.time is None else dt.datetime.combine(args.date, args.time)
    )
    return await ctx.deps.search(
        args.city,
        args.party_size,
        when,
        cuisine=args.cuisine,
        max_price_level=args.max_price_level,
        limit=args.limit,
        cursor=args.cursor,
    )


@tool(effect="read", retry=READ_RETRY)
async def check_availability(
    args: CheckAvailabilityArgs, ctx: ToolContext[RestaurantBackend]
) -> Availability:
    """List a restaurant's seatings on a date with the tables left for the party."""
    return await ctx.deps.availability(args.venue_id, args.date, args.party_size)


@tool(
    effect="write",
    retry=WRITE_RETRY,
    conflict_key=_booking_resource,
    reconciler=find_booking,
    # A venue and a seating picked from search and availability results are the normal case;
    # a name taken from a tool result is shown to a person first.
    sinks={"venue_id": "allow", "start": "allow", "party_size": "approve", "name": "approve"},
)
async def book_table(args: BookTableArgs, ctx: ToolContext[RestaurantBackend]) -> Reservation:
    """Book a table at a restaurant for the party at a seating start time."""
    return await ctx.deps.book(
        args.venue_id, args.start, args.party_size, args.name, _write_key(ctx, "book_table")
    )


@tool(effect="read", retry=READ_RETRY)
async def list_reservations(
    args: ListReservationsArgs, ctx: ToolContext[RestaurantBackend]
) -> ReservationList:
    """List the user's table reservations by local date, time of day, venue, city, party or status.

    Earliest seating first; count says how many matched in all. Use it to find the id of a
    reservation to cancel ("tonight's dinner"): never guess between several.
    """
    return await ctx.deps.list_reservations(args)


@tool(
    effect="write",
    retry=WRITE_RETRY,
    conflict_key=_cancel_resource,
    reconciler=find_cancellation,
    sinks={"reservation_id": "allow"},  # the id comes from book_table or list_reservations
)
async def cancel_reservation(
    args: CancelReservationArgs, ctx: ToolContext[RestaurantBackend]
) -> Reservation:
    """Cancel a restaurant reservation by its id, freeing the table."""
    return await ctx.deps.cancel(args.reservation_id, _write_key(ctx, "cancel_reservation"))


TOOLS: tuple[Tool[Any], ...] = (
    search_restaurants,
    check_availability,
    book_table,
    list_reservations,
    cancel_reservation,
)
