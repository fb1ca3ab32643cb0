"""Reading each tool's result into the answer's notes: the itinerary's parts, and the typed
results the summary line is written from.

One reader per tool (``READERS``). A result is validated through the domain model that produced
it, so a result of the wrong shape raises (and the answer reports the step as not done) rather
than being guessed at. Times are put in the place's own zone (a table in Lisbon at 20:00
Lisbon time, a calendar event in the calendar's zone).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from plangate.agents.reservation.response import Booking, Finding, Skipped
from plangate.agents.reservation.summary import Notes, local
from plangate.graphs.engine.wording import dates_in_words, day_in_words
from plangate.tools.domains.calendar.models import Event, EventPage, FreeSlot
from plangate.tools.domains.flights.models import Booking as FlightBooking
from plangate.tools.domains.flights.models import Offer
from plangate.tools.domains.restaurants.models import Availability, Reservation, VenuePage
from plangate.tools.domains.retrieval.models import Document, SearchHit

SHOWN = 5
"""Most restaurants and flight offers listed as findings per search."""


def _reservation(record: Mapping[str, Any], notes: Notes) -> None:
    booked = Reservation.model_validate(record["result"])
    city = notes.cities.get(booked.venue_id)
    notes.bookings.append(
        Booking(
            id=booked.id, kind="table", time=local(booked.start, booked.timezone),
            end=local(booked.end, booked.timezone),
            place=f"{booked.venue_name}, {city}" if city else booked.venue_name,
            price=booked.deposit, status=booked.status.value,
            detail=f"table for {booked.party_size} under {booked.name}",
        )
    )  # fmt: skip


def _flight(record: Mapping[str, Any], notes: Notes) -> None:
    booked = FlightBooking.model_validate(record["result"])
    offer = booked.offer
    numbers = " + ".join(segment.flight_number for segment in offer.segments)
    travellers = len(booked.passengers)
    notes.bookings.append(
        Booking(
            id=booked.id, kind="flight", time=offer.departure, end=offer.arrival,
            place=f"{offer.origin} → {offer.destination}", price=offer.price,
            status=booked.status, detail=f"{numbers}, {offer.cabin.replace('_', ' ')}, "
            f"{travellers} passenger{'s' if travellers > 1 else ''}",
        )
    )  # fmt: skip


def _event(record: Mapping[str, Any], notes: Notes) -> None:
    event = Event.model_validate(record["result"])
    notes.bookings.append(
        Booking(
            id=event.id, kind="event", time=local(event.start, event.timezone),
            end=local(event.end, event.timezone), place=event.location or event.summary,
            status=event.status, detail=event.summary,
        )
    )  # fmt: skip


def _venues(record: Mapping[str, Any], notes: Notes) -> None:
    page = VenuePage.model_validate(record["result"])
    args = dict(record.get("args") or {})
    notes.venues.append((args, list(page.data)))
    if not page.data:
        cuisine = str(args.get("cuisine") or "").replace("_", " ").title()
        day = str(args.get("date") or "")
        reason = (
            f"no {cuisine} restaurant in {args.get('city')} has a free table "
            f"for {args.get('party_size')}" + (f" on {dates_in_words(day)}" if day else "")
            + (f" near {str(args['time'])[:5]}" if args.get("time") else "")
        )  # fmt: skip
        notes.skipped.append(
            Skipped(what="restaurant search", reason=" ".join(reason.split()), status="skipped")
        )
    for venue in page.data[:SHOWN]:
        detail = (
            f"{venue.cuisine.value.replace('_', ' ')}, rated {venue.rating}, price level "
            f"{venue.price_level}, {venue.city}"
        )
        notes.findings.append(Finding(kind="restaurant", title=venue.name, detail=detail))


def _seatings(record: Mapping[str, Any], notes: Notes) -> None:
    availability = Availability.model_validate(record["result"])
    notes.seatings.append(availability)
    free = [local(s.start, availability.timezone) for s in availability.slots if s.tables_left > 0]
    times = ", ".join(f"{start:%H:%M}" for start in free[:12]) or "none"
    name = notes.venue_names.get(availability.venue_id, availability.venue_id)
    notes.findings.append(
        Finding(
            kind="seating", title=f"Free tables at {name} on {day_in_words(availability.date)}",
            detail=f"for {availability.party_size}: {times}", time=free[0] if free else None,
        )
    )  # fmt: skip


def _offers(record: Mapping[str, Any], notes: Notes) -> None:
    offers = [Offer.model_validate(item) for item in record["result"] or []]
    args = dict(record.get("args") or {})
    notes.offers.append((args, offers))
    if not offers:
        day = dates_in_words(str(args.get("departure_date") or ""))
        reason = (
            f"no flight from {args.get('origin')} to {args.get('destination')} has seats on {day}"
        )
        notes.skipped.append(Skipped(what="flight search", reason=reason, status="skipped"))
    for offer in offers[:SHOWN]:
        numbers = " + ".join(segment.flight_number for segment in offer.segments)
        notes.findings.append(
            Finding(
                kind="flight_offer", title=f"{numbers} {offer.origin} → {offer.destination}",
                detail=f"{offer.cabin.replace('_', ' ')}, arrives "
                f"{day_in_words(offer.arrival.date())} at {offer.arrival:%H:%M}, "
                f"{offer.seats_left} seats left",
                time=offer.departure, price=offer.price,
            )
        )  # fmt: skip


def _offer(record: Mapping[str, Any], notes: Notes) -> None:
    """An offer priced again before booking: the one a booking tries."""
    notes.tried_offers.add(Offer.model_validate(record["result"]).id)


def _calendar(record: Mapping[str, Any], notes: Notes) -> None:
    page = EventPage.model_validate(record["result"])
    notes.calendar_read = True
    notes.events.extend(page.items)
    for event in page.items[:10]:
        start, end = local(event.start, event.timezone), local(event.end, event.timezone)
        notes.findings.append(
            Finding(kind="event", title=event.summary, time=start, detail=f"until {end:%H:%M}")
        )


def _free_slots(record: Mapping[str, Any], notes: Notes) -> None:
    notes.free_read = True
    for item in (record["result"] or [])[:8]:
        slot = FreeSlot.model_validate(item)
        notes.free.append(slot)
        start, end = local(slot.start, slot.timezone), local(slot.end, slot.timezone)
        title = f"Free on {day_in_words(start.date())}, {start:%H:%M}–{end:%H:%M}"
        notes.findings.append(Finding(kind="free_slot", title=title, time=start))


def _passages(record: Mapping[str, Any], notes: Notes) -> None:
    for item in (record["result"] or [])[:3]:
        hit = SearchHit.model_validate(item)
        notes.passages.append(hit)
        notes.findings.append(
            Finding(kind="document", title=hit.chunk.title, detail=hit.citation.snippet,
                    source=hit.citation.source)
        )  # fmt: skip


def _document(record: Mapping[str, Any], notes: Notes) -> None:
    document = Document.model_validate(record["result"])
    excerpt = " ".join(document.text.split())[:500]
    notes.findings.append(
        Finding(kind="document", title=document.title, detail=excerpt, source=document.source)
    )


def _reservations(record: Mapping[str, Any], notes: Notes) -> None:
    """A list of reservations (``{"data": [...]}``), each read as a ``Reservation``."""
    result = record["result"]
    items = result.get("data", []) if isinstance(result, Mapping) else result
    if not items:
        notes.nothing_found = True
        notes.skipped.append(
            Skipped(what="reservation search", reason=_no_reservation(record), status="skipped")
        )
    for item in items or []:
        booked = Reservation.model_validate(item)
        notes.reservations.append(booked)
        start = local(booked.start, booked.timezone)
        notes.findings.append(
            Finding(
                kind="reservation", title=f"{booked.venue_name}, table for {booked.party_size}",
                detail=f"{booked.id}, {booked.status.value}", time=start, price=booked.deposit,
            )
        )  # fmt: skip


def _no_reservation(record: Mapping[str, Any]) -> str:
    """ "you have no confirmed reservation on Monday 9 March from 17:00": what was looked for."""
    args = record.get("args") or {}
    status = str(args.get("status") or "").replace("_", " ")
    text = f"you have no {status} reservation".replace("  ", " ")
    if args.get("venue"):
        text += f" at {args['venue']}"
    if args.get("city"):
        text += f" in {args['city']}"
    if args.get("date"):
        text += f" on {dates_in_words(str(args['date']))}"
    elif args.get("date_from") or args.get("date_to"):
        text += f" between {dates_in_words(str(args.get('date_from') or 'now'))} and "
        text += dates_in_words(str(args.get("date_to") or "later"))
    if args.get("time_from"):
        text += f" from {str(args['time_from'])[:5]}"
    if args.get("time_to"):
        text += f" until {str(args['time_to'])[:5]}"
    if args.get("party_size"):
        text += f" for {args['party_size']}"
    return text


READERS: dict[str, Callable[[Mapping[str, Any], Notes], None]] = {
    "book_table": _reservation, "cancel_reservation": _reservation,
    "book_flight": _flight, "cancel_booking": _flight,
    "create_event": _event, "cancel_event": _event,
    "search_restaurants": _venues, "check_availability": _seatings,
    "search_flights": _offers, "list_events": _calendar, "find_free_slots": _free_slots,
    "search_documents": _passages, "get_document": _document,
    "list_reservations": _reservations, "get_offer": _offer,
}  # fmt: skip
"""The reader of each tool whose result the answer reads."""
