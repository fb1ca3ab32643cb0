"""The offline answer: the itinerary written from the step records, without a model.

Each record is ``{tool, args, status, result, error}``. Results are read back through the
domain models that produced them (``Reservation``, ``Booking``, ``Event``...), so a result of
the wrong shape is reported as not done rather than guessed at. A ``why_<step>`` record is the
travel policy lookup ``replan`` adds for a blocked step: the step's own record gives the reason,
the lookup the policy's passage.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from plangate.agents.reservation.replan import REBOOK, REFUSED_BY, WHY
from plangate.agents.reservation.response import Booking, Finding, Itinerary, Skipped
from plangate.tools.domains.calendar.models import Event, EventPage, FreeSlot
from plangate.tools.domains.flights.models import Booking as FlightBooking
from plangate.tools.domains.flights.models import Offer
from plangate.tools.domains.restaurants.models import Availability, Reservation, VenuePage
from plangate.tools.domains.retrieval.models import Document, SearchHit

LABELS = {
    "table": "table booking", "rebook": "table booking", "flight": "flight booking",
    "event": "calendar event", "cancel": "cancellation", "find": "restaurant search",
    "avail": "availability check", "flights": "flight search", "offer": "flight re-pricing",
    "cal": "calendar check", "events": "calendar check", "free": "free-slot search",
    "policy": "travel policy search", "guide": "venue guide search",
}  # fmt: skip
_SHOWN = 5
M = TypeVar("M", bound=BaseModel)


class _Notes:
    """What the answer collects while reading the records."""

    def __init__(self) -> None:
        self.bookings: list[Booking] = []
        self.findings: list[Finding] = []
        self.skipped: list[Skipped] = []
        self.cities: dict[str, str] = {}


def answer(request: str, steps: Mapping[str, Any]) -> Itinerary:
    """The itinerary for ``request`` from the step records (see the module docstring)."""
    notes = _Notes()
    for record in steps.values():
        if record.get("tool") == "search_restaurants" and record.get("status") == "done":
            page = _read(VenuePage, record.get("result"))
            notes.cities.update({venue.id: venue.city for venue in page.data} if page else {})
    # A step retired by a re-plan comes with its explanation step; report it once, explained.
    explained = {sid.removeprefix(WHY) for sid in steps if sid.startswith(WHY)}
    for step_id, record in steps.items():
        what = LABELS.get(step_id, f"step {step_id}")
        if step_id.startswith(WHY):
            target = step_id.removeprefix(WHY)
            notes.skipped.append(_explanation(target, steps.get(target) or {}, record))
        elif step_id in explained:
            continue
        elif record.get("status") != "done":
            reason = str(record.get("error") or record.get("status") or "not run")
            status = {"skipped": "skipped", "rejected": "refused"}.get(
                str(record.get("status")), "failed"
            )
            notes.skipped.append(Skipped(what=what, reason=reason, status=status))
        elif (reader := _READERS.get(str(record.get("tool")))) is not None:
            try:
                reader(record, notes)
                if step_id == REBOOK:
                    last = notes.bookings[-1]
                    detail = f"{last.detail}; the nearest free seating to the time asked"
                    notes.bookings[-1] = last.model_copy(update={"detail": detail})
            except (ValidationError, TypeError, ValueError) as exc:
                notes.skipped.append(
                    Skipped(what=what, reason=f"unreadable result: {exc}", status="failed")
                )
    return Itinerary(
        summary=_summary(notes),
        bookings=notes.bookings,
        findings=notes.findings,
        skipped=notes.skipped,
    )


def _read(model: type[M], value: Any) -> M | None:
    try:
        return model.model_validate(value)
    except ValidationError:
        return None


def _explanation(step_id: str, failed: Mapping[str, Any], record: Mapping[str, Any]) -> Skipped:
    # A checkpoint of an earlier version may hold the reason as the lookup's query.
    reason = str(failed.get("error") or (record.get("args") or {}).get("query") or "not done")
    refused = reason.startswith(REFUSED_BY)
    passage = None
    if reason.startswith("blocked by") and record.get("status") == "done":
        hits = [hit for item in record.get("result") or [] if (hit := _read(SearchHit, item))]
        if hits:
            passage = f"{hits[0].chunk.title}: {hits[0].citation.snippet}"
    what = LABELS.get(step_id, f"step {step_id}")
    return Skipped(
        what=what, reason=reason, status="refused" if refused else "failed", policy=passage
    )


def _reservation(record: Mapping[str, Any], notes: _Notes) -> None:
    booked = Reservation.model_validate(record["result"])
    city = notes.cities.get(booked.venue_id)
    notes.bookings.append(
        Booking(
            id=booked.id, kind="table", time=booked.start, end=booked.end,
            place=f"{booked.venue_name}, {city}" if city else booked.venue_name,
            price=booked.deposit, status=booked.status.value,
            detail=f"table for {booked.party_size} under {booked.name}",
        )
    )  # fmt: skip


def _flight(record: Mapping[str, Any], notes: _Notes) -> None:
    booked = FlightBooking.model_validate(record["result"])
    offer = booked.offer
    numbers = " + ".join(segment.flight_number for segment in offer.segments)
    notes.bookings.append(
        Booking(
            id=booked.id, kind="flight", time=offer.departure, end=offer.arrival,
            place=f"{offer.origin} → {offer.destination}", price=offer.price,
            status=booked.status, detail=f"{numbers}, {offer.cabin.replace('_', ' ')}, "
            f"{len(booked.passengers)} passenger(s)",
        )
    )  # fmt: skip


def _event(record: Mapping[str, Any], notes: _Notes) -> None:
    event = Event.model_validate(record["result"])
    notes.bookings.append(
        Booking(
            id=event.id, kind="event", time=event.start, end=event.end,
            place=event.location or event.summary, status=event.status, detail=event.summary,
        )
    )  # fmt: skip


def _venues(record: Mapping[str, Any], notes: _Notes) -> None:
    page = VenuePage.model_validate(record["result"])
    args = record.get("args") or {}
    if not page.data:
        reason = (
            f"no {args.get('cuisine') or ''} restaurant in {args.get('city')} has a free table "
            f"for {args.get('party_size')} on {args.get('date')}"
            + (f" near {str(args['time'])[:5]}" if args.get("time") else "")
        )
        notes.skipped.append(
            Skipped(what="restaurant search", reason=" ".join(reason.split()), status="skipped")
        )
    for venue in page.data[:_SHOWN]:
        detail = f"{venue.cuisine.value}, rated {venue.rating}, price level {venue.price_level}, {venue.city}"
        notes.findings.append(Finding(kind="restaurant", title=venue.name, detail=detail))


def _seatings(record: Mapping[str, Any], notes: _Notes) -> None:
    availability = Availability.model_validate(record["result"])
    free = [slot for slot in availability.slots if slot.tables_left > 0]
    times = ", ".join(f"{slot.start:%H:%M}" for slot in free[:12]) or "none"
    notes.findings.append(
        Finding(
            kind="seating", title=f"Free seatings at {availability.venue_id} on {availability.date}",
            detail=f"for {availability.party_size}: {times}",
            time=free[0].start if free else None,
        )
    )  # fmt: skip


def _offers(record: Mapping[str, Any], notes: _Notes) -> None:
    offers = [Offer.model_validate(item) for item in record["result"] or []]
    if not offers:
        args = record.get("args") or {}
        reason = f"no seats from {args.get('origin')} to {args.get('destination')} on {args.get('departure_date')}"
        notes.skipped.append(Skipped(what="flight search", reason=reason, status="skipped"))
    for offer in offers[:_SHOWN]:
        numbers = " + ".join(segment.flight_number for segment in offer.segments)
        notes.findings.append(
            Finding(
                kind="flight_offer", title=f"{numbers} {offer.origin} → {offer.destination}",
                detail=f"{offer.cabin.replace('_', ' ')}, arrives {offer.arrival.isoformat()}, "
                f"{offer.seats_left} seat(s) left",
                time=offer.departure, price=offer.price,
            )
        )  # fmt: skip


def _calendar(record: Mapping[str, Any], notes: _Notes) -> None:
    page = EventPage.model_validate(record["result"])
    for event in page.items[:10]:
        notes.findings.append(
            Finding(kind="event", title=event.summary, time=event.start,
                    detail=f"until {event.end:%H:%M} ({event.timezone})")
        )  # fmt: skip


def _free_slots(record: Mapping[str, Any], notes: _Notes) -> None:
    for item in (record["result"] or [])[:8]:
        slot = FreeSlot.model_validate(item)
        title = f"Free {slot.start:%a %d %b %H:%M}–{slot.end:%H:%M}"
        notes.findings.append(Finding(kind="free_slot", title=title, time=slot.start))


def _passages(record: Mapping[str, Any], notes: _Notes) -> None:
    for item in (record["result"] or [])[:3]:
        hit = SearchHit.model_validate(item)
        notes.findings.append(
            Finding(kind="document", title=hit.chunk.title, detail=hit.citation.snippet,
                    source=hit.citation.source)
        )  # fmt: skip


def _document(record: Mapping[str, Any], notes: _Notes) -> None:
    document = Document.model_validate(record["result"])
    excerpt = " ".join(document.text.split())[:500]
    notes.findings.append(
        Finding(kind="document", title=document.title, detail=excerpt, source=document.source)
    )


_READERS: dict[str, Callable[[Mapping[str, Any], _Notes], None]] = {
    "book_table": _reservation, "cancel_reservation": _reservation,
    "book_flight": _flight, "cancel_booking": _flight,
    "create_event": _event, "cancel_event": _event,
    "search_restaurants": _venues, "check_availability": _seatings,
    "search_flights": _offers, "list_events": _calendar, "find_free_slots": _free_slots,
    "search_documents": _passages, "get_document": _document,
}  # fmt: skip


def _summary(notes: _Notes) -> str:
    parts = []
    done = [b for b in notes.bookings if b.status == "confirmed"]
    cancelled = [b for b in notes.bookings if b.status == "cancelled"]
    if done:
        parts.append("Booked: " + "; ".join(_short(b) for b in done))
    if cancelled:
        parts.append("Cancelled: " + "; ".join(_short(b) for b in cancelled))
    if notes.skipped:
        first = notes.skipped[0]
        parts.append(f"Not done: {first.what} ({first.reason})")
    if not parts:
        kinds = sorted({finding.kind.replace("_", " ") for finding in notes.findings})
        found = f"Found {len(notes.findings)} result(s): {', '.join(kinds)}"
        parts.append(found if notes.findings else "Nothing was found or booked")
    text = ". ".join(parts)
    return text if len(text) <= 600 else text[:599] + "…"


def _short(booking: Booking) -> str:
    return f"{booking.kind} {booking.id} at {booking.place}, {booking.time:%a %d %b %H:%M}"
