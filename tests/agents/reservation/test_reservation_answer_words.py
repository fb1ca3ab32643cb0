"""The itinerary's summary reads like an answer: the answer first, in words, nothing else.

A table of requests runs offline end to end, approved or rejected; every summary and every
reason is checked for what must never be in an answer (plan syntax, counts of results, ISO
timestamps, the engine's phrases), and a handful are pinned word for word.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from plangate.agents.reservation.answer import answer
from plangate.agents.reservation.response import Itinerary
from plangate.graphs.engine.wording import has_plan_syntax
from tests.agents.reservation.sandbox_world import World

# (request, decision at each approval, how the summary starts)
CASES: list[tuple[str, str, str]] = [
    ("Book a table for 2 in Lisbon tomorrow at 20:00", "approve",
     "Booked a table for 2 at Baan Oak, Lisbon, on Tuesday 10 March at 20:00"),
    ("Book a table for 2 in Lisbon tomorrow at 20:00", "reject",
     "I did not book the table at Baan Oak on Tuesday 10 March: you rejected it"),
    ("Book a table for 2 in Madrid on Friday at 21:00", "approve",
     "Booked a table for 2 at Baan Oak, Madrid, on Friday 13 March at 20:30, the nearest free "
     "seating to the 21:00 you asked for"),
    ("Book a table for 4 at an Italian restaurant in Porto on Saturday at 19:00", "approve",
     "No Italian restaurant in Porto has a free table for 4 on Saturday 14 March near 19:00, "
     "so nothing was booked"),
    ("Find Italian restaurants in Porto for 2 on Friday at 19:00", "approve",
     "No Italian restaurant in Porto has a free table for 2 on Friday 13 March near 19:00"),
    ("Find Thai restaurants in Lisbon tomorrow for four", "approve",
     "Restaurants in Lisbon with a free table for 4 on Tuesday 10 March: "),
    ("Am I free on Wednesday evening?", "approve",
     "You're free on Wednesday 11 March from 18:00 to 23:00; you have 'Team standup' "
     "09:15–09:30"),
    ("What's on my calendar tomorrow?", "approve",
     "On Tuesday 10 March you have 'Team standup' 09:15–09:30"),
    ("Show me flights from Lisbon to Madrid next Friday", "approve",
     "The cheapest flight from LIS to MAD on Friday 13 March at "),
    ("Book a flight from Lisbon to Paris next Monday", "approve",
     "I did not book flight TP133 from LIS to CDG on Monday 16 March at 07:10: the flight "
     "TP133 LIS→CDG (Monday 16 March, 07:10–10:30) clashes with 'Team standup'"),
    ("Book a premium economy flight from Frankfurt to Sydney next Saturday", "approve",
     "Booked flight LH11 + EK23 from FRA to SYD on Saturday 14 March at 09:25"),
    ("Book a premium economy flight from Frankfurt to Sydney next Saturday", "reject",
     "I did not book flight LH11 + EK23 from FRA to SYD on Saturday 14 March at 09:25: you "
     "rejected it"),
    ("Fly from Lisbon to Madrid next Friday and book dinner for 2 there at 21:00", "approve",
     "Booked flight TP141 from LIS to MAD on Friday 13 March at 08:05"),
    ("Fly from Lisbon to Madrid next Friday and book dinner for 2 there at 21:00", "reject",
     "I did not book flight TP141 from LIS to MAD on Friday 13 March at 08:05: you rejected "
     "it, so nothing was booked"),
    ("What does the travel policy say about business class?", "approve", "According to "),
]  # fmt: skip
NEVER = re.compile(
    r"\$\{|result\(s\)|Found \d|\d{4}-\d{2}-\d{2}T\d|\d{4}-\d{2}-\d{2}\b|blocked by [a-z_]+:|"
    r"rejected by a person|Not done:|Booked: |skipped: depends|\bstep [a-z_]+\b"
)
"""Plan syntax, counts of results, ISO dates, the engine's own phrases, step ids."""


def texts(itinerary: Itinerary) -> list[str]:
    """Every text of the itinerary a person reads as a sentence."""
    return [itinerary.summary, *(skip.reason for skip in itinerary.skipped)]


async def run(world: World, request: str, decision: str) -> Itinerary:
    result = await world.agent.run(request)
    while result.status == "paused":
        decisions = {approval["id"]: decision for approval in result.approvals}
        result = await world.agent.resume(result.thread_id, decisions)
    assert result.status == "done", result.error
    assert isinstance(result.response, Itinerary)
    return result.response


@pytest.mark.parametrize(
    ("request_", "decision", "start"), CASES, ids=[f"{c[0]} ({c[1]})" for c in CASES]
)
async def test_every_answer_leads_with_the_answer_in_words(
    world: World, request_: str, decision: str, start: str
) -> None:
    itinerary = await run(world, request_, decision)
    assert itinerary.summary.startswith(start), itinerary.summary
    for text in texts(itinerary):
        assert not NEVER.search(text), text
        assert not has_plan_syntax(text), text
    if itinerary.bookings:
        first = sorted(itinerary.bookings, key=lambda b: b.time)[0]
        assert itinerary.summary.startswith(("Booked", "Cancelled", "Added"))
        assert first.id in itinerary.summary


async def test_the_trip_says_each_booking_in_order_and_why_the_table_moved(world: World) -> None:
    request = "Fly from Lisbon to Madrid next Friday and book dinner for 2 there at 21:00"
    itinerary = await run(world, request, "approve")
    flight, table = (
        next(b for b in itinerary.bookings if b.kind == k) for k in ("flight", "table")
    )
    assert itinerary.summary == (
        f"Booked flight TP141 from LIS to MAD on Friday 13 March at 08:05, arriving 10:15, "
        f"141.00 EUR (booking {flight.id}). Booked a table for 2 at Baan Oak, Madrid, on Friday "
        f"13 March at 20:30, the nearest free seating to the 21:00 you asked for (reservation "
        f"{table.id}). Added 'Dinner at Baan Oak' to your calendar on Friday 13 March, "
        "20:30–22:00."
    )


async def test_a_calendar_clash_names_the_event_and_the_other_flights(world: World) -> None:
    itinerary = await run(world, "Book a flight from Lisbon to Paris next Monday", "approve")
    assert itinerary.summary == (
        "I did not book flight TP133 from LIS to CDG on Monday 16 March at 07:10: the flight "
        "TP133 LIS→CDG (Monday 16 March, 07:10–10:30) clashes with 'Team standup' (Monday 16 "
        "March, 09:15–09:30) in your calendar, so "
        "nothing was booked. Other flights from LIS to CDG on Monday 16 March: AF147 at 13:35 "
        "(221.00 EUR) and TP134 at 19:00 (187.00 EUR)."
    )


def _record(tool: str, status: str = "done", **extra: Any) -> dict[str, Any]:
    return {"tool": tool, "status": status, "args": {}, **extra}


def test_a_failure_that_follows_from_another_leads_with_the_cause() -> None:
    steps = {
        "avail": _record("check_availability", "failed",
                         error="${find.data[0].id}: find.data has 0 items"),
        "table": _record("book_table", "skipped", error="skipped: depends on avail, which was failed"),
        "find": _record("search_restaurants", result={"data": [], "next_cursor": None},
                        args={"city": "Porto", "party_size": 4, "date": "2026-03-14",
                              "time": "19:00:00", "cuisine": "italian"}),
    }  # fmt: skip
    itinerary = answer("book italian in porto", steps)
    assert itinerary.summary == (
        "No Italian restaurant in Porto has a free table for 4 on Saturday 14 March near 19:00, "
        "so nothing was booked."
    )
    assert [(s.what, s.reason) for s in itinerary.skipped] == [
        ("availability check", "the restaurant search found nothing"),
        ("table booking", "the availability check failed"),
        ("restaurant search",
         "no Italian restaurant in Porto has a free table for 4 on Saturday 14 March near 19:00"),
    ]  # fmt: skip


def test_a_step_of_a_tool_the_answer_does_not_know_is_said_in_words() -> None:
    steps = {"mine": _record("list_waitlist", "failed", error="the waitlist service is down")}
    itinerary = answer("am I on the waitlist?", steps)
    assert itinerary.summary == "I could not list waitlist: the waitlist service is down."
    assert itinerary.skipped[0].what == "list waitlist"


def test_a_cancel_with_nothing_to_cancel_says_so_from_the_search() -> None:
    steps = {
        "mine": _record("list_reservations", result={"data": [], "count": 0},
                        args={"date": "2026-03-09", "time_from": "17:00:00",
                              "status": "confirmed"}),
        "cancel": _record("cancel_reservation", "skipped", condition="${mine.count} == 1"),
    }  # fmt: skip
    itinerary = answer("cancel my reservation for tonight", steps)
    assert itinerary.summary == (
        "You have no confirmed reservation on Monday 9 March from 17:00, so nothing was cancelled."
    )
    assert itinerary.skipped[1].reason == "the reservation search's count is 0, not equal to 1"
