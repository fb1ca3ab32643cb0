"""The offline answer: the itinerary written from the step records, without a model.

Each record is ``{tool, args, status, result, error}``. Results are read back through the
domain models that produced them (``Reservation``, ``Booking``, ``Event``...), so a result of
the wrong shape is reported as not done rather than guessed at. A ``why_<step>`` record is the
travel policy lookup ``replan`` adds for a blocked step: the step's own record gives the reason,
the lookup the policy's passage. Reasons are written in words (``plangate.graphs.engine.wording``):
the records keep the engine's wording for the planner, the itinerary says it as a person would;
the summary line is ``plangate.agents.reservation.summary``'s.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, time, timedelta
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from plangate.agents.reservation.plans import LANDING, LANDING_MARGIN
from plangate.agents.reservation.readers import READERS
from plangate.agents.reservation.replan import REBOOK, REFUSED_BY, WHY
from plangate.agents.reservation.response import Itinerary, Skipped
from plangate.agents.reservation.summary import Notes, summarize, when
from plangate.graphs.engine.wording import (
    condition_in_words,
    dates_in_words,
    day_in_words,
    read_failure,
)
from plangate.tools.domains.restaurants.models import VenuePage
from plangate.tools.domains.retrieval.models import SearchHit

LABELS = {
    "table": "table booking", "rebook": "table booking", "flight": "flight booking",
    "event": "calendar event", "cancel": "cancellation", "find": "restaurant search",
    "avail": "availability check", "flights": "flight search", "offer": "flight re-pricing",
    "cal": "calendar check", "events": "calendar check", "free": "free-slot search",
    "policy": "travel policy search", "guide": "venue guide search",
}  # fmt: skip
M = TypeVar("M", bound=BaseModel)


TOOL_LABELS = {
    "book_table": "table booking", "book_flight": "flight booking", "create_event": "calendar event",
    "cancel_reservation": "cancellation", "cancel_booking": "cancellation",
    "cancel_event": "cancellation", "search_restaurants": "restaurant search",
    "check_availability": "availability check", "search_flights": "flight search",
    "get_offer": "flight re-pricing", "list_events": "calendar check",
    "find_free_slots": "free-slot search", "search_documents": "document search",
    "list_reservations": "reservation search",
}  # fmt: skip


def label(step_id: str, tool: str = "") -> str:
    """What a step does, in words: by its id, else its tool, else the tool's own name in words
    (a tool a newer plan uses: "list orders")."""
    if step_id in LABELS:
        return LABELS[step_id]
    if tool in TOOL_LABELS:
        return TOOL_LABELS[tool]
    return tool.replace("_", " ") if tool else f"the {step_id} step"


def answer(request: str, steps: Mapping[str, Any]) -> Itinerary:
    """The itinerary for ``request`` from the step records (see the module docstring)."""
    notes = Notes()
    for record in steps.values():
        if record.get("tool") == "search_restaurants" and record.get("status") == "done":
            page = _read(VenuePage, record.get("result"))
            for venue in page.data if page else ():
                notes.cities[venue.id], notes.venue_names[venue.id] = venue.city, venue.name
    # A step retired by a re-plan comes with its explanation step; report it once, explained.
    explained = {sid.removeprefix(WHY) for sid in steps if sid.startswith(WHY)}
    pending: dict[int, Mapping[str, Any]] = {}  # not done: described once all results are read
    for step_id, record in steps.items():
        what = label(step_id, str(record.get("tool") or ""))
        if step_id.startswith(WHY):
            target = step_id.removeprefix(WHY)
            pending[len(notes.skipped)] = steps.get(target) or {}
            notes.skipped.append(_explanation(target, steps.get(target) or {}, record, steps))
        elif step_id in explained:
            continue
        elif record.get("status") != "done":
            reason, knock_on = _why(str(record.get("error") or ""), steps)
            if record.get("condition") and not record.get("error"):
                reason, knock_on = _condition(str(record["condition"]), steps), notes.nothing_found
            elif record.get("status") == "skipped" and not record.get("error"):
                knock_on = True  # skipped with a step it needed: that step's reason is the answer
            status = {"skipped": "skipped", "rejected": "refused"}.get(
                str(record.get("status")), "failed"
            )
            if knock_on:
                notes.knock_on.add(len(notes.skipped))
            pending[len(notes.skipped)] = record
            notes.skipped.append(Skipped(what=what, reason=reason, status=status))
        elif (reader := READERS.get(str(record.get("tool")))) is not None:
            try:
                reader(record, notes)
                if step_id == REBOOK:
                    _rebooked(notes, steps)
            except (ValidationError, TypeError, ValueError, KeyError) as exc:
                why = f"its result could not be read ({type(exc).__name__})"
                notes.skipped.append(Skipped(what=what, reason=why, status="failed"))
    for index, record in pending.items():
        if (attempt := _attempt(record, notes)) is not None:
            notes.attempts[index] = attempt
    return Itinerary(
        summary=summarize(request, notes),
        bookings=notes.bookings,
        findings=notes.findings,
        skipped=notes.skipped,
    )


def _why(text: str, steps: Mapping[str, Any]) -> tuple[str, bool]:
    """A failure in words, and whether it only follows from another step's failure."""

    def named(step_id: str) -> str:
        named = label(step_id, str((steps.get(step_id) or {}).get("tool") or ""))
        return named if named.startswith("the ") else f"the {named}"

    failure = read_failure(text, named)
    if failure.kind == "rejected":
        return (
            f"you rejected it ({failure.reason})" if failure.reason else "you rejected it"
        ), False
    knock_on = failure.kind in ("dependency", "reference")
    return dates_in_words(failure.reason) or "it did not run", knock_on


def _condition(condition: str, steps: Mapping[str, Any]) -> str:
    """Why a step whose condition was false did not run: the condition in words."""
    results = {sid: rec.get("result") for sid, rec in steps.items() if rec.get("status") == "done"}

    def named(step_id: str) -> str:
        named = label(step_id, str((steps.get(step_id) or {}).get("tool") or ""))
        return named if named.startswith("the ") else f"the {named}"

    return _too_late(condition, results) or condition_in_words(condition, results, label=named)


def _too_late(condition: str, results: Mapping[str, Any]) -> str | None:
    """ "your flight lands at 21:50, too late for a table at 20:00": a trip's dinner skipped
    because the flight lands less than ``LANDING_MARGIN`` minutes before the table."""
    latest = re.search(rf"\$\{{time\({re.escape(LANDING)}\)\}} <= '(\d\d):(\d\d)'", condition)
    offer = results.get("offer")
    if latest is None or not isinstance(offer, Mapping):
        return None
    try:
        landing = datetime.fromisoformat(str(offer["segments"][-1]["arrival"]))
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    if f"{landing:%H:%M}" <= f"{latest[1]}:{latest[2]}":
        return None  # the landing was not the reason
    table = datetime.combine(landing.date(), time(int(latest[1]), int(latest[2])))
    table += timedelta(minutes=LANDING_MARGIN)
    return (
        f"your flight lands at {landing:%H:%M}, too late for a table at {table:%H:%M} "
        "(it takes an hour from the gate to the table)"
    )


def _attempt(record: Mapping[str, Any], notes: Notes) -> str | None:
    """What a booking that was not made would have been: "book a table for 2 at Baan Oak on
    Tuesday 10 March at 20:00"; ``None`` when its arguments do not say."""
    args, tool = record.get("args") or {}, record.get("tool")
    if tool == "book_table" and not args and len(notes.seatings) == 1:
        # A refused call keeps no arguments: the table is the one whose seatings were checked.
        seating = notes.seatings[0]
        venue = notes.venue_names.get(seating.venue_id, seating.venue_id)
        return f"book the table at {venue} on {day_in_words(seating.date)}"
    if tool == "book_flight" and not args:
        # Likewise a flight: the one priced again before booking, or the only one found.
        found = [o for _, offers in notes.offers for o in offers]
        tried = [o for o in found if o.id in notes.tried_offers] or found
        args = {"offer_id": tried[0].id} if len(tried) == 1 else {}
    try:
        if tool == "book_table":
            start = datetime.fromisoformat(str(args["start"]))
            venue = notes.venue_names.get(str(args["venue_id"]), str(args["venue_id"]))
            return f"book a table for {args['party_size']} at {venue} {when(start)}"
        if tool == "book_flight":
            notes.tried_offers.add(str(args["offer_id"]))
            offer = next(
                o for _, offers in notes.offers for o in offers if o.id == args["offer_id"]
            )
            numbers = " + ".join(segment.flight_number for segment in offer.segments)
            where = f"from {offer.origin} to {offer.destination} {when(offer.departure)}"
            return f"book flight {numbers} {where}"
        if tool == "create_event":
            start = datetime.fromisoformat(str(args["start"]))
            return f"add '{args['summary']}' to your calendar {when(start)}"
    except (KeyError, ValueError, StopIteration, TypeError):
        return None
    return None


def _rebooked(notes: Notes, steps: Mapping[str, Any]) -> None:
    """Mark the last booking as made at the nearest seating, saying why the time asked was not."""
    last = notes.bookings[-1]
    detail = f"{last.detail}; the nearest free seating to the time asked"
    notes.bookings[-1] = last.model_copy(update={"detail": detail})
    first = steps.get("table") or {}
    asked = str((first.get("args") or {}).get("start") or "")
    at = f" {asked[11:16]}" if len(asked) >= 16 else ""
    notes.rebooked[last.id] = f", the nearest free seating to the{at} you asked for"


def _read(model: type[M], value: Any) -> M | None:
    try:
        return model.model_validate(value)
    except ValidationError:
        return None


def _explanation(
    step_id: str, failed: Mapping[str, Any], record: Mapping[str, Any], steps: Mapping[str, Any]
) -> Skipped:
    # A checkpoint of an earlier version may hold the reason as the lookup's query.
    raw = str(failed.get("error") or (record.get("args") or {}).get("query") or "not done")
    refused = raw.startswith(REFUSED_BY)
    passage = None
    if raw.startswith("blocked by") and record.get("status") == "done":
        hits = [hit for item in record.get("result") or [] if (hit := _read(SearchHit, item))]
        if hits:
            passage = f"{hits[0].chunk.title}: {hits[0].citation.snippet}"
    reason, _ = _why(raw, steps)
    return Skipped(
        what=label(step_id, str(failed.get("tool") or "")), reason=reason,
        status="refused" if refused else "failed", policy=passage,
    )  # fmt: skip
