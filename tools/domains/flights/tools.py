"""The flight tools a model calls: search, price, book, cancel.

Each takes its backend from ``ToolContext.deps`` (any ``FlightBackend``). The two writes carry
the executor's idempotency key to the backend, say which resource they touch (``conflict_key``:
the flights booked, the booking cancelled) so the engine serializes competing writes, and can be
reconciled — asked "did the write with this key happen?" — when a reply is lost.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from plangate.tools.base import RetryPolicy, Tool, ToolContext, tool
from plangate.tools.domains.flights.backend import FlightBackend
from plangate.tools.domains.flights.models import (
    Booking,
    BookingRef,
    BookingRequest,
    Offer,
    OfferRef,
    SearchQuery,
)
from plangate.tools.domains.flights.offer_ids import flights_key
from plangate.tools.errors import UsageError

READ_RETRY = RetryPolicy(max_attempts=3, initial_delay=0.25, max_delay=4.0)
WRITE_RETRY = RetryPolicy(max_attempts=3, initial_delay=0.5, max_delay=8.0)


def _key(ctx: ToolContext[FlightBackend], tool_name: str) -> str:
    if not ctx.idempotency_key:
        raise UsageError(
            f"{tool_name} writes: call it through ToolExecutor, which gives it an idempotency key"
        )
    return ctx.idempotency_key


async def _find_by_key(ctx: ToolContext[Any], key: str) -> Booking | None:
    backend: FlightBackend = ctx.deps
    return await backend.find_booking_by_key(key)


def _flights_of(args: BaseModel) -> str | None:
    return flights_key(args.offer_id) if isinstance(args, BookingRequest) else None


def _booking_of(args: BaseModel) -> str | None:
    return args.booking_id if isinstance(args, BookingRef) else None


@tool(effect="read", timeout=20.0, retry=READ_RETRY)
async def search_flights(args: SearchQuery, ctx: ToolContext[FlightBackend]) -> list[Offer]:
    """Find one-way flights between two airports on a date, cheapest first (price is for all passengers)."""
    return await ctx.deps.search(
        args.origin,
        args.destination,
        args.departure_date,
        args.passengers,
        args.cabin,
        args.max_results,
    )


@tool(effect="read", timeout=15.0, retry=READ_RETRY)
async def get_offer(args: OfferRef, ctx: ToolContext[FlightBackend]) -> Offer:
    """Re-price a flight offer and check it still has seats, before booking it."""
    return await ctx.deps.get_offer(args.offer_id)


@tool(
    effect="write",
    timeout=30.0,
    retry=WRITE_RETRY,
    conflict_key=_flights_of,
    reconciler=_find_by_key,
    # The offer comes from search_flights; who flies (names as on a passport) comes from the
    # person asking, never from a tool result.
    sinks={"offer_id": "allow", "passengers": "refuse"},
)
async def book_flight(args: BookingRequest, ctx: ToolContext[FlightBackend]) -> Booking:
    """Book a flight offer for the named passengers, at its current price."""
    return await ctx.deps.book(args.offer_id, args.passengers, _key(ctx, "book_flight"))


@tool(
    effect="write",
    timeout=30.0,
    retry=WRITE_RETRY,
    conflict_key=_booking_of,
    reconciler=_find_by_key,
    sinks={"booking_id": "allow"},  # the reference comes from book_flight's result
)
async def cancel_booking(args: BookingRef, ctx: ToolContext[FlightBackend]) -> Booking:
    """Cancel a flight booking by its reference, giving its seats back."""
    return await ctx.deps.cancel(args.booking_id, _key(ctx, "cancel_booking"))


TOOLS: tuple[Tool[Any], ...] = (search_flights, get_offer, book_flight, cancel_booking)
