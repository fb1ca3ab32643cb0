"""What a booking call would occupy, looked up through the backends bound in the toolset.

The policy's guardrails judge a booking by facts its arguments do not carry: a flight's times
and price live in the offer (``get_offer``), a table's time zone in its venue, and what else
is planned in the calendar. ``BookingFacts`` asks the very backends the tools are bound to —
sandbox or HTTP — so the guardrails see the world the booking will be made in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from plangate.tools.clock import Clock, SystemClock
from plangate.tools.domains.calendar.backend import CalendarBackend
from plangate.tools.domains.calendar.models import Event
from plangate.tools.domains.flights.backend import FlightBackend
from plangate.tools.domains.flights.models import Offer
from plangate.tools.domains.restaurants.backend import RestaurantBackend
from plangate.tools.domains.restaurants.models import SEATING_MINUTES
from plangate.tools.errors import PlangateError, UsageError
from plangate.tools.registry import Toolset

BOOKING_TOOLS = ("book_table", "book_flight", "create_event")
"""The writes that take up time: they are checked against the window and the calendar."""

CALENDAR_ID = "primary"
"""The user's own calendar, the one bookings must not clash with."""


@dataclass(frozen=True)
class Span:
    """The time a booking takes up.

    Attributes:
        start: when it starts (timezone-aware, local to the place).
        end: when it ends.
        what: the booking in a few words, e.g. ``"flight TP141 LIS→MAD"``.
    """

    start: datetime
    end: datetime
    what: str


def _bound(toolset: Toolset, tool: str, needs: str) -> Any:
    if tool not in toolset:
        raise UsageError(
            f"the reservation policy needs the {needs} tools bound to a backend "
            f"(missing {tool!r}); bind them with plangate.tools.domains.backends.bind_tools"
        )
    return toolset.binding(tool).deps


def clock_of(toolset: Toolset) -> Clock:
    """The clock of the backends bound in ``toolset`` (sandboxes and HTTP clients carry one).

    The booking window is judged on the bookings' own clock, so a sandbox run on a
    ``FakeClock`` is judged on the fake date; without one, the system clock.
    """
    for name in ("list_events", "book_table", "get_offer"):
        if name in toolset:
            try:
                clock = getattr(toolset.binding(name).deps, "clock", None)
            except PlangateError:  # a stand-in with no backend behind it (a replay) has no clock
                clock = None
            if isinstance(clock, Clock):
                return clock
    return SystemClock()


def parse_moment(value: Any) -> datetime | None:
    """An ISO datetime argument as a ``datetime`` (naive if written without an offset)."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


class BookingFacts:
    """Looks up the times and offers behind booking calls.

    Args:
        toolset: the agent's tools; the calendar, restaurant and flight tools must be bound.

    Raises:
        UsageError: a domain's tools are missing from ``toolset``.
    """

    def __init__(self, toolset: Toolset) -> None:
        self.calendar: CalendarBackend = _bound(toolset, "list_events", "calendar")
        self.restaurants: RestaurantBackend = _bound(toolset, "book_table", "restaurant")
        self.flights: FlightBackend = _bound(toolset, "get_offer", "flight")
        self._toolset = toolset

    @property
    def clock(self) -> Clock:
        """The backends' clock, read when a check needs it (never at construction)."""
        return clock_of(self._toolset)

    async def offer(self, args: Mapping[str, Any]) -> Offer:
        """The offer a book_flight call names, re-priced now."""
        return await self.flights.get_offer(str(args.get("offer_id", "")))

    async def span(self, tool: str, args: Mapping[str, Any]) -> Span | None:
        """What a booking call would occupy; ``None`` for a tool that books no time."""
        if tool == "book_flight":
            offer = await self.offer(args)
            flights = " + ".join(segment.flight_number for segment in offer.segments)
            return Span(
                offer.departure,
                offer.arrival,
                f"flight {flights} {offer.origin}→{offer.destination}",
            )
        start = parse_moment(args.get("start"))
        if start is None:
            return None
        if tool == "book_table":
            venue_id = str(args.get("venue_id", ""))
            if start.tzinfo is None:  # book_table reads a naive start in the venue's zone
                venue = await self.restaurants.get_venue(venue_id)
                start = start.replace(tzinfo=ZoneInfo(venue.timezone))
            return Span(start, start + timedelta(minutes=SEATING_MINUTES), f"table at {venue_id}")
        if tool == "create_event":
            end = parse_moment(args.get("end"))
            if end is None or start.tzinfo is None or end.tzinfo is None:
                return None  # the args model refuses these before any guardrail runs
            return Span(start, end, f"event '{args.get('summary', '')}'")
        return None

    async def clashes(self, span: Span) -> list[Event]:
        """The calendar's events overlapping ``span`` (empty when that time is free).

        Busy time is asked first (free/busy is what the calendar itself books against);
        the events are listed only when some is found, to name them.
        """
        low, high = span.start.astimezone(UTC), span.end.astimezone(UTC)
        busy = await self.calendar.free_busy([CALENDAR_ID], low, high)
        if not busy.calendars.get(CALENDAR_ID):
            return []
        page = await self.calendar.list_events(CALENDAR_ID, low, high, max_results=50)
        return [event for event in page.items if event.end > low and event.start < high]
