"""The reservation workflows as plans: what runs, in which order, under which condition.

Every booking plan reads before it writes — the calendar and availability (a table), the
re-priced offer (a flight) — and the reads that do not depend on each other run in parallel.
Step ids are stable names (``table``, ``flight``, ``event``...) that ``replan`` and ``answer``
rely on. Times are written with their UTC offset, in the time zone of the place concerned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from plangate.agents.reservation.slots import TRAVELLER
from plangate.graphs.engine.plan import Plan, Step
from plangate.tools.domains.flights.models import Cabin
from plangate.tools.domains.restaurants.models import SEATING_MINUTES, Cuisine
from plangate.tools.domains.world import Airport

POLICY_SOURCE = "travel-policy.md"
"""The travel policy's file in the document library."""


@dataclass(frozen=True)
class TableAsk:
    """A table to find or book.

    Attributes:
        city: the city (its airport gives the time zone).
        day: the local date of the meal.
        at: the local time of the seating.
        party: guests.
        cuisine: the kitchen asked for, if any.
        name: the name to book under.
    """

    city: Airport
    day: date
    at: time
    party: int
    cuisine: Cuisine | None = None
    name: str = ""

    @property
    def start(self) -> datetime:
        """The seating's start, in the city's time zone."""
        return datetime.combine(self.day, self.at, tzinfo=ZoneInfo(self.city.timezone))


@dataclass(frozen=True)
class FlightAsk:
    """A one-way flight to find or book.

    Attributes:
        origin: where from.
        destination: where to.
        day: the departure date, local to the origin.
        cabin: the cabin asked for.
        passenger: first and last name, as book_flight takes them.
    """

    origin: Airport
    destination: Airport
    day: date
    cabin: Cabin = "economy"
    passenger: dict[str, str] | None = None


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _day_window(day: date, zone: str, days: int = 1) -> dict[str, str]:
    start = datetime.combine(day, time(0), tzinfo=ZoneInfo(zone))
    return {"time_min": _iso(start), "time_max": _iso(start + timedelta(days=days))}


def _search(ask: TableAsk, with_time: bool = True, limit: int = 5) -> dict[str, Any]:
    args: dict[str, Any] = {
        "city": ask.city.city, "party_size": ask.party, "date": ask.day.isoformat(),
        "limit": limit,
    }  # fmt: skip
    if with_time:
        args["time"] = ask.at.isoformat(timespec="minutes")
    if ask.cuisine is not None:
        args["cuisine"] = ask.cuisine.value
    return args


def table_steps(
    ask: TableAsk, *, condition: str | None = None, landing: str | None = None
) -> list[Step]:
    """Find a venue, check its seatings, book the table (the calendar is read alongside).

    Args:
        ask: the table.
        condition: when the booking may run (a trip's: once the flight is booked).
        landing: the path of an earlier result's ISO landing time (``offer.segments[-1].arrival``):
            the meal is then on the date the flight lands, read from that result, at
            ``ask.at`` local to the city, instead of on ``ask.day``.
    """
    seating = timedelta(minutes=SEATING_MINUTES)
    window = {"time_min": _iso(ask.start), "time_max": _iso(ask.start + seating)}
    day, start = ask.day.isoformat(), _iso(ask.start)
    if landing is not None:
        # A start without an offset is read in the venue's zone, whatever its offset that day.
        day = f"${{date({landing})}}"
        start = f"{day}T{ask.at.isoformat(timespec='minutes')}"
    return [
        Step(id="cal", tool="list_events", args=window,
             description="What the calendar holds during the meal"),
        Step(id="find", tool="search_restaurants", args={**_search(ask), "date": day},
             description="Restaurants with a free table near the time"),
        Step(id="avail", tool="check_availability",
             args={"venue_id": "${find.data[0].id}", "date": day, "party_size": ask.party},
             description="Seatings left at the best-rated venue"),
        Step(id="table", tool="book_table",
             args={"venue_id": "${find.data[0].id}", "start": start,
                   "party_size": ask.party, "name": ask.name},
             depends_on=["cal", "avail"], condition=condition,
             description="Book the table"),
    ]  # fmt: skip


def table_plan(ask: TableAsk) -> Plan:
    """Book a table: calendar and search in parallel, then availability, then the booking."""
    cuisine = f"{ask.cuisine.value} " if ask.cuisine else ""
    return Plan(
        steps=table_steps(ask),
        rationale=f"Check the calendar and find a {cuisine}table for {ask.party} in "
        f"{ask.city.city} at {ask.start:%Y-%m-%d %H:%M}, then book it once availability is known.",
    )


def restaurants_plan(ask: TableAsk, *, with_time: bool) -> Plan:
    """Find restaurants (read-only), with the city's venue guide alongside."""
    topic = f"{ask.city.city} {ask.cuisine.value if ask.cuisine else ''} dinner areas".split()
    return Plan(
        steps=[
            Step(id="find", tool="search_restaurants", args=_search(ask, with_time, limit=10),
                 description="Restaurants with a free table"),
            Step(id="guide", tool="search_documents",
                 args={"query": " ".join(topic), "sources": ["venues/"], "k": 2},
                 description="What the venue guide says"),
        ],
        rationale=f"Search {ask.city.city} for a table for {ask.party} on {ask.day}; nothing is booked.",
    )  # fmt: skip


def _region_words(ask: FlightAsk) -> str:
    if ask.origin.country == ask.destination.country:
        return "domestic"
    europe = all(a.timezone.startswith("Europe/") for a in (ask.origin, ask.destination))
    return "within Europe" if europe else "intercontinental"


def flight_steps(ask: FlightAsk, *, book: bool = True) -> list[Step]:
    """Search the policy and the flights in parallel, re-price the cheapest, book it."""
    cabin = ask.cabin.replace("_", " ")
    steps = [
        Step(id="policy", tool="search_documents",
             args={"query": f"fare cap {cabin} one-way {_region_words(ask)}",
                   "sources": [POLICY_SOURCE], "k": 2},
             description="What the travel policy allows for this fare"),
        Step(id="flights", tool="search_flights",
             args={"origin": ask.origin.iata, "destination": ask.destination.iata,
                   "departure_date": ask.day.isoformat(), "passengers": 1, "cabin": ask.cabin,
                   "max_results": 5},
             description="Flights, cheapest first"),
    ]  # fmt: skip
    if not book:
        return steps
    first, last = TRAVELLER
    passenger = ask.passenger or {"first_name": first, "last_name": last}
    return [
        *steps,
        Step(id="offer", tool="get_offer", args={"offer_id": "${flights[0].id}"},
             description="Re-price the cheapest offer"),
        Step(id="flight", tool="book_flight",
             args={"offer_id": "${offer.id}", "passengers": [passenger]},
             depends_on=["policy"], condition="${offer.seats_left} >= 1",
             description="Book the cheapest offer if it still has a seat"),
    ]  # fmt: skip


def flight_plan(ask: FlightAsk, *, book: bool = True) -> Plan:
    """Book (or only find) a one-way flight."""
    route = f"{ask.origin.iata}→{ask.destination.iata} on {ask.day}"
    action = "book the cheapest" if book else "list the offers; nothing is booked"
    return Plan(
        steps=flight_steps(ask, book=book),
        rationale=f"Search {route} with the travel policy's fare caps, then {action}.",
    )


LANDING = "offer.segments[-1].arrival"
"""Where a trip's plan reads when the flight lands: the re-priced offer's last segment."""
LANDING_MARGIN = 60
"""Minutes from landing to the table: a flight landing later skips the dinner that night."""


def trip_plan(flight: FlightAsk, table: TableAsk) -> Plan:
    """Fly, then dine the night the flight lands, then put the dinner in the calendar.

    The dinner's date is read from the offer's landing time (an overnight flight lands the next
    day); the dinner is booked only once the flight is, and only if it lands ``LANDING_MARGIN``
    minutes before the table (its condition); the calendar event is made from the reservation
    itself, so its time is the seating's.
    """
    # Not before the flight is booked, nor before it lands: an hour from the gate to the table.
    latest = datetime.combine(flight.day, table.at) - timedelta(minutes=LANDING_MARGIN)
    landed = "00:00" if latest.date() < flight.day else f"{latest:%H:%M}"
    booked = f"${{flight.status}} == 'confirmed' and ${{time({LANDING})}} <= '{landed}'"
    dinner = table_steps(table, condition=booked, landing=LANDING)
    for index, step in enumerate(dinner):
        if step.id == "cal":  # on a trip the travel days are checked, up to a late landing
            window = _day_window(flight.day, flight.origin.timezone, days=3)
            dinner[index] = step.model_copy(update={"args": window})
    event = Step(
        id="event",
        tool="create_event",
        args={
            "summary": "Dinner at ${table.venue_name}",
            "start": "${table.start}",
            "end": "${table.end}",
            "timezone": table.city.timezone,
            "location": f"${{table.venue_name}}, {table.city.city}",
            "description": "Table for ${table.party_size}, reservation ${table.id}",
        },
        description="Put the dinner in the calendar",
    )
    return Plan(
        steps=[*flight_steps(flight), *dinner, event],
        rationale=f"Fly {flight.origin.city}→{flight.destination.city} on {flight.day}, then "
        f"book dinner for {table.party} there the night the flight lands and add it to the "
        "calendar.",
    )


def calendar_plan(day: date, zone: str, *, days: int, minutes: int, evening: bool) -> Plan:
    """Read the calendar and its free slots over ``days`` days, in parallel."""
    window = _day_window(day, zone, days)
    hours = ("18:00", "23:00") if evening else ("09:00", "17:00")
    return Plan(
        steps=[
            Step(id="events", tool="list_events", args={**window, "max_results": 100},
                 description="Events in the window"),
            Step(id="free", tool="find_free_slots",
                 args={**window, "duration_minutes": minutes, "timezone": zone,
                       "day_start": hours[0], "day_end": hours[1], "include_weekends": True},
                 description=f"Free slots of {minutes} minutes"),
        ],
        rationale=f"Read the calendar from {day} for {days} day(s) and its free time.",
    )  # fmt: skip


CancelKind = Literal["reservation", "booking", "event"]
_CANCEL = {
    "reservation": ("cancel_reservation", "reservation_id"),
    "booking": ("cancel_booking", "booking_id"),
    "event": ("cancel_event", "event_id"),
}


def cancel_plan(kind: CancelKind, ident: str) -> Plan:
    """Cancel one reservation, flight booking or calendar event by id."""
    tool, field = _CANCEL[kind]
    return Plan(
        steps=[Step(id="cancel", tool=tool, args={field: ident}, description=f"Cancel {ident}")],
        rationale=f"Cancel {kind} {ident}.",
    )


LOOKUP = "mine"
"""Id of the lookup of the user's reservations that a cancellation without an id starts with."""


def lookup_cancel_plan(query: dict[str, Any], words: str) -> Plan:
    """Find the user's reservation by what the request says, then cancel it if it is the only one.

    Nothing found, or several found, skips the cancellation: the lookup's result says which
    (none, or the ones to choose from), and nothing is cancelled on a guess.
    """
    return Plan(
        steps=[
            Step(id=LOOKUP, tool="list_reservations", args=query,
                 description=f"Your table reservations {words}"),
            Step(id="cancel", tool="cancel_reservation",
                 args={"reservation_id": f"${{{LOOKUP}.data[0].id}}"},
                 condition=f"${{{LOOKUP}.count}} == 1",
                 description="Cancel the reservation found, if it is the only one"),
        ],
        rationale=f"Look up your confirmed table reservations {words}; cancel the one found, "
        "and if none or several match, say so instead of guessing.",
    )  # fmt: skip


def policy_plan(topic: str, *, whole: bool = False) -> Plan:
    """What the travel policy says about ``topic`` (or the whole policy)."""
    if whole:
        step = Step(id="policy_doc", tool="get_document", args={"doc_id": "travel-policy"})
    else:
        args = {"query": topic[:500], "sources": [POLICY_SOURCE], "k": 3}
        step = Step(id="policy", tool="search_documents", args=args)
    return Plan(steps=[step], rationale=f"Look up the travel policy on {topic!r}.")
