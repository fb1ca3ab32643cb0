"""The itinerary's summary line: the answer first, in words.

What was booked or cancelled leads, a sentence each, with names and times to the minute in the
place's own time ("Booked a table for 2 at Baan Oak, Lisbon, on Tuesday 10 March at 20:00").
When nothing was booked, the first sentence is why — the reason a person cares about ("No
Italian restaurant in Porto has a free table for 4 on Saturday 14 March near 19:00") — and what
was found follows as the alternatives. A run that only looked things up answers with what it
found: "You're free on Wednesday 11 March from 18:00 to 23:00; you have 'Team standup'
09:15–09:30". The engine's own wording (references, rule ids) never reaches the line: the
answer reads each reason through ``plangate.graphs.engine.wording`` first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from plangate.agents.reservation.response import Booking, Finding, Skipped
from plangate.graphs.engine.wording import day_in_words
from plangate.tools.domains.calendar.models import Event, FreeSlot
from plangate.tools.domains.flights.models import Offer
from plangate.tools.domains.restaurants.models import Availability, Reservation, Venue
from plangate.tools.domains.retrieval.models import SearchHit

MAX_LENGTH = 600
"""The summary's limit, the ``Itinerary`` model's."""
_NAMED = 3
"""Most restaurants, flights or events named in the line; the itinerary lists them all."""
_ORDER = {"flight": 0, "table": 1, "event": 2}
"""Bookings at the same time: the flight, then the table, then its calendar event."""
_FREE_WORDS = ("free", "available", "availability", "when can", "when am", "gap", "slot")


@dataclass
class Notes:
    """What the answer collects while reading the records: the itinerary's parts, and the
    typed results the summary line is written from."""

    bookings: list[Booking] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    knock_on: set[int] = field(default_factory=set)
    """Indexes of ``skipped`` entries that only follow from another (a step left without the
    result it needed): the line leads with the cause, not these."""
    cities: dict[str, str] = field(default_factory=dict)
    venues: list[tuple[dict[str, Any], list[Venue]]] = field(default_factory=list)
    seatings: list[Availability] = field(default_factory=list)
    offers: list[tuple[dict[str, Any], list[Offer]]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    free: list[FreeSlot] = field(default_factory=list)
    passages: list[SearchHit] = field(default_factory=list)
    reservations: list[Reservation] = field(default_factory=list)
    rebooked: dict[str, str] = field(default_factory=dict)
    """Booking id → why the time asked for was not free (a table booked at the nearest seating)."""
    venue_names: dict[str, str] = field(default_factory=dict)
    calendar_read: bool = False
    """The calendar was listed (so "nothing else is in your calendar" is a finding)."""
    free_read: bool = False
    """Free time was looked for (so "no free time" is a finding)."""
    attempts: dict[int, str] = field(default_factory=dict)
    """Index in ``skipped`` → the booking that was not made, in words ("book a table for 2
    at Baan Oak on Tuesday 10 March at 20:00")."""
    tried_offers: set[str] = field(default_factory=set)
    """Offers a booking tried (the alternatives are the others)."""
    nothing_found: bool = False
    """A lookup a later step needed found nothing (no reservation to cancel...)."""


def local(moment: datetime, zone: str | None) -> datetime:
    """``moment`` in the IANA zone ``zone`` (as it is when the zone is unknown)."""
    try:
        return moment.astimezone(ZoneInfo(zone)) if zone else moment
    except (KeyError, ValueError):
        return moment


def when(moment: datetime) -> str:
    """``on Tuesday 10 March at 20:00``, in the moment's own offset."""
    return f"on {day_in_words(moment.date())} at {moment:%H:%M}"


def _booking(booking: Booking, rebooked: dict[str, str]) -> str:
    start = booking.time
    verb = "Booked" if booking.status == "confirmed" else "Cancelled"
    if booking.kind == "table":
        party = booking.detail.split(" under ")[0].split(";")[0] or "table"
        comma = "," if "," in booking.place else ""
        text = f"{verb} a {party} at {booking.place}{comma} {when(start)}"
        text += rebooked.get(booking.id, "")
        text += f" (reservation {booking.id}"
        text += f", deposit {booking.price})" if booking.price and verb == "Booked" else ")"
        return text
    if booking.kind == "flight":
        numbers = booking.detail.split(",")[0]
        arrives = f", arriving {booking.end:%H:%M}" if booking.end else ""
        price = f", {booking.price}" if booking.price else ""
        return (
            f"{verb} flight {numbers} from {booking.place.replace(' → ', ' to ')} "
            f"{when(start)}{arrives}{price} (booking {booking.id})"
        )
    until = f"–{booking.end:%H:%M}" if booking.end else ""
    action = "Added" if booking.status == "confirmed" else "Removed"
    where = "to" if action == "Added" else "from"
    on = f"on {day_in_words(start.date())}, {start:%H:%M}{until}"
    return f"{action} '{booking.detail}' {where} your calendar {on}"


def _failure(skip: Skipped, attempt: str | None) -> str:
    if skip.status == "skipped":
        return skip.reason  # a search that found nothing says so itself
    # A step of a tool this answer has no words for is named by the tool: "list things".
    verb = (
        attempt
        or _VERBS.get(skip.what)
        or (f"do {skip.what}" if skip.what.startswith("the ") else skip.what)
    )
    if skip.status == "refused":
        return f"I did not {verb}: {skip.reason}"
    return f"I could not {verb}: {skip.reason}"


def _ambiguous(notes: Notes, skip: Skipped) -> str | None:
    """ "2 of your reservations match": a cancellation left undone because it could be either.

    The plan cancels only when its lookup found exactly one reservation; with several, it never
    guesses, and the answer asks which one instead of reading the plan's condition back.
    """
    if skip.what != "cancellation" or skip.status != "skipped" or len(notes.reservations) < 2:
        return None
    return f"{len(notes.reservations)} of your reservations match"


def _first_id(notes: Notes) -> str:
    return notes.reservations[0].id


_VERBS = {
    "table booking": "book the table", "flight booking": "book the flight",
    "calendar event": "add the calendar event", "cancellation": "cancel it",
    "restaurant search": "search for restaurants", "availability check": "check the free tables",
    "flight search": "search for flights", "flight re-pricing": "price the flight again",
    "calendar check": "read your calendar", "free-slot search": "find your free time",
    "travel policy search": "search the travel policy", "venue guide search": "search the guides",
}  # fmt: skip


def _restaurants(notes: Notes) -> str | None:
    for args, venues in notes.venues:
        if not venues:
            continue
        names = [
            f"{v.name} ({v.cuisine.value.replace('_', ' ').title()}, rated {v.rating})"
            for v in venues[:_NAMED]
        ]
        more = f" and {len(venues) - _NAMED} more" if len(venues) > _NAMED else ""
        city = args.get("city") or venues[0].city
        party = f" for {args['party_size']}" if args.get("party_size") else ""
        day = _day(args.get("date"))
        return f"Restaurants in {city} with a free table{party}{day}: {_and(names)}{more}"
    return None


def _day(value: Any) -> str:
    try:
        return f" on {day_in_words(datetime.fromisoformat(str(value)).date())}" if value else ""
    except ValueError:
        return f" on {value}"


def _seatings(notes: Notes) -> str | None:
    parts = []
    for availability in notes.seatings:
        free = [slot.start for slot in availability.slots if slot.tables_left > 0]
        name = notes.venue_names.get(availability.venue_id, availability.venue_id)
        day = day_in_words(availability.date)
        if not free:
            parts.append(f"{name} has no free table for {availability.party_size} on {day}")
            continue
        times = [f"{local(t, availability.timezone):%H:%M}" for t in free[:8]]
        more = f" and {len(free) - 8} more" if len(free) > 8 else ""
        parts.append(
            f"{name} has free tables for {availability.party_size} on {day} at {_and(times)}{more}"
        )
    return "; ".join(parts) or None


def _flights(notes: Notes, *, other: bool = False) -> str | None:
    """The cheapest offer and the others' times; with ``other``, the offers not tried."""
    for _args, offers in notes.offers:
        if other:
            offers = [o for o in offers if o.id not in notes.tried_offers]
        if not offers:
            continue
        cheapest = min(offers, key=lambda o: o.price.amount)
        route = f"from {cheapest.origin} to {cheapest.destination}"
        if other:
            listed = [
                f"{_numbers(o)} at {o.departure:%H:%M} ({o.price})"
                for o in sorted(offers, key=lambda o: o.departure)[:_NAMED]
            ]
            day = day_in_words(cheapest.departure.date())
            return f"Other flights {route} on {day}: {_and(listed)}"
        text = (
            f"The cheapest flight {route} {when(cheapest.departure)} is {_numbers(cheapest)}, "
            f"{cheapest.price}, arriving {cheapest.arrival:%H:%M}"
        )
        times = sorted({f"{o.departure:%H:%M}" for o in offers if o is not cheapest})
        if times:
            text += f"; {len(offers) - 1} more at {_and(times)}"
        return text
    return None


def _numbers(offer: Offer) -> str:
    return " + ".join(segment.flight_number for segment in offer.segments)


def _calendar(notes: Notes, request: str) -> str | None:
    if not notes.free and not notes.events and not notes.calendar_read:
        return None
    free = [(local(s.start, s.timezone), local(s.end, s.timezone)) for s in notes.free]
    busy = [(e, local(e.start, e.timezone), local(e.end, e.timezone)) for e in notes.events]
    days = {start.date() for start, _ in free} | {start.date() for _, start, _ in busy}
    one_day = len(days) == 1
    free_text = _and([_span(start, end, day=not one_day) for start, end in free[:4]])
    busy_text = _and(
        [
            f"'{e.summary}' "
            + ("" if one_day else f"on {day_in_words(start.date())}, ")
            + f"{start:%H:%M}–{end:%H:%M}"
            for e, start, end in busy[:4]
        ]
    ) + (f" and {len(busy) - 4} more" if len(busy) > 4 else "")
    on = f"on {day_in_words(next(iter(days)))} " if one_day else ""
    if not busy:
        nothing = "; nothing else is in your calendar" if notes.calendar_read else ""
        return (
            f"You're free {on}{free_text}{nothing}"
            if free
            else "Your calendar has no free time there"
        )
    if not free:
        return f"{_capital(on)}you have {busy_text}" + (
            "" if notes.free_read is False else ", and no free time"
        )
    if any(word in request.lower() for word in _FREE_WORDS):
        return f"You're free {on}{free_text}; you have {busy_text}"
    return f"{_capital(on)}you have {busy_text}; you're free {free_text}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _span(start: datetime, end: datetime, *, day: bool = True) -> str:
    on = f"on {day_in_words(start.date())} " if day else ""
    if start.date() != end.date() and (end - start).days >= 1:
        return f"{on}from {start:%H:%M} to {day_in_words(end.date())} {end:%H:%M}"
    return f"{on}from {start:%H:%M} to {end:%H:%M}"


def _documents(notes: Notes) -> str | None:
    if not notes.passages:
        return None
    hit = notes.passages[0]
    heading = hit.chunk.title.split(" > ")[-1]
    text = " ".join(hit.citation.snippet.replace("**", "").replace("#", " ").split())
    text = text.split(" | ")[0].rstrip(" |:")  # a table is not read out in a line
    if text.lower().startswith(heading.lower()):
        text = text[len(heading) :].strip()
    cut = text if len(text) <= 220 else text[:219].rsplit(" ", 1)[0] + "…"
    return f"According to {hit.citation.source}, under {heading}: {cut}"


def _reservations(notes: Notes) -> str | None:
    if not notes.reservations:
        return None
    shown = [
        f"{r.party_size} at {r.venue_name} {when(local(r.start, r.timezone))} ({r.id})"
        for r in notes.reservations[:_NAMED]
    ]
    more = len(notes.reservations) - len(shown)
    return "Your reservations: " + _and(shown) + (f" and {more} more" if more > 0 else "")


def _and(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def summarize(request: str, notes: Notes) -> str:
    """The summary line of ``notes`` (see the module docstring)."""
    bookings = sorted(notes.bookings, key=lambda b: (b.time, _ORDER[b.kind]))
    parts = [_booking(b, notes.rebooked) for b in bookings]
    causes = [i for i in range(len(notes.skipped)) if i not in notes.knock_on]
    shown = [i for i in causes if not (notes.skipped[i].what == "table booking" and notes.rebooked)]
    failures = [
        _ambiguous(notes, notes.skipped[i]) or _failure(notes.skipped[i], notes.attempts.get(i))
        for i in shown or ([] if parts else [0][: len(notes.skipped)])
    ]
    if not parts and failures:
        failures[0] += _consequence(notes)
    parts += failures
    if not bookings:
        parts += [part for part in _alternatives(notes, request) if part]
        if any(_ambiguous(notes, skip) for skip in notes.skipped):
            parts.append(f'Which one should I cancel? Say "cancel reservation {_first_id(notes)}"')
        # The policy or a guide is the answer only when nothing else is (it is context else).
        if not parts and (documents := _documents(notes)):
            parts.append(documents)
    if not parts:
        return "Nothing was found or booked."
    text = " ".join(_sentence(part) for part in parts)
    return text if len(text) <= MAX_LENGTH else text[: MAX_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def _alternatives(notes: Notes, request: str) -> list[str | None]:
    """What was found, as the answer to a lookup or the alternatives to what failed.

    After a failed booking only what could replace it is named (other seatings, restaurants,
    flights); after a policy's refusal only when time was the problem (a calendar clash), and
    nothing after a person's rejection: they chose, the line does not argue.
    """
    tried = {s.what for s in notes.skipped if s.what in _BOOKINGS}
    if not tried:
        return [
            _calendar(notes, request), _reservations(notes), _restaurants(notes),
            _seatings(notes), _flights(notes),
        ]  # fmt: skip
    if any(s.reason.startswith("you rejected") for s in notes.skipped):
        return []
    # A policy's refusal is answered by another time only when time was the problem (a clash).
    refused = [s for s in notes.skipped if s.what in _BOOKINGS and s.status == "refused"]
    if refused and not any("clash" in s.reason for s in refused):
        return []
    found: list[str | None] = []
    if "table booking" in tried:
        found += [_seatings(notes)] if notes.seatings else [_restaurants(notes)]
    if "flight booking" in tried:
        found.append(_flights(notes, other=True))
    return found


_BOOKINGS = ("table booking", "flight booking", "calendar event")


def _consequence(notes: Notes) -> str:
    """ ", so nothing was booked": what the failure meant for a booking or a cancellation."""
    whats = {s.what for s in notes.skipped}
    if whats & {"table booking", "flight booking", "calendar event"}:
        return ", so nothing was booked"
    if "cancellation" in whats:
        return ", so nothing was cancelled"
    return ""


def _sentence(part: str) -> str:
    text = part.strip().rstrip(".")
    text = text[:1].upper() + text[1:]
    return text if text.endswith(("…", "?", "!")) else text + "."
