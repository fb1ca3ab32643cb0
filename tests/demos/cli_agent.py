"""A small agent for the CLI tests: find or book a restaurant table on the real sandbox.

``SPEC`` understands "find a table for N in CITY" (reads only) and "book a table for N in
CITY" (a search, an availability check and one ``book_table`` write, held for approval; when
the booking is rejected, the re-plan proposes the next seating). Its input guardrail blocks
requests longer than 60 characters, so a test can be blocked on purpose.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from plangate.agents import AgentSpec
from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.engine.planner import PlanningContext
from plangate.graphs.guards.guardrails import Stage
from plangate.graphs.guards.policy import ApproveWrites, MaxLength
from plangate.graphs.offline.grammar import Grammar, Intent
from plangate.tools.errors import UsageError
from plangate.tools.registry import Toolset

NAME = "tables"


class Venue(BaseModel):
    """A venue found."""

    id: str
    name: str


class TableAnswer(BaseModel):
    """What the agent answers."""

    summary: str
    venues: list[Venue]
    booking_id: str | None = None


def _day(context: PlanningContext) -> str:
    if context.today is None:  # the engine always passes today, from the agent's clock
        raise UsageError("the tables agent plans from today's date, which the engine gives")
    return str(context.today + dt.timedelta(days=2))


def _search(match: re.Match[str], context: PlanningContext) -> Step:
    args = {"city": match["city"].title(), "party_size": int(match["n"]), "date": _day(context)}
    return Step(id="find", tool="search_restaurants", args={**args, "limit": 3})


def find(match: re.Match[str], context: PlanningContext) -> Plan:
    return Plan(steps=[_search(match, context)])


def book(match: re.Match[str], context: PlanningContext) -> Plan:
    party, day, venue = int(match["n"]), _day(context), "${find.data[0].id}"
    check = {"venue_id": venue, "date": day, "party_size": party}
    booking = {"venue_id": venue, "start": "${avail.slots[0].start}", "party_size": party}
    return Plan(
        steps=[
            _search(match, context),
            Step(id="avail", tool="check_availability", args=check),
            Step(id="book", tool="book_table", args={**booking, "name": "Ada Lovelace"}),
        ]
    )


def rebook(match: re.Match[str], context: PlanningContext) -> Plan:
    party, venue = int(match["n"]), "${find.data[0].id}"
    booking = {"venue_id": venue, "start": "${avail.slots[1].start}", "party_size": party}
    return Plan(steps=[Step(id="rebook", tool="book_table", args={**booking, "name": "Ada"})])


GRAMMAR = Grammar(
    [
        Intent(
            name="book",
            description="Book a table",
            examples=("book a table for 2 in Lisbon",),
            patterns=(r"\bbook a table for (?P<n>\d+) in (?P<city>[a-z]+)",),
            build=book,
            replan=rebook,
        ),
        Intent(
            name="find",
            description="Find tables",
            examples=("find a table for 2 in Lisbon",),
            patterns=(r"\bfind a table for (?P<n>\d+) in (?P<city>[a-z]+)",),
            build=find,
        ),
    ]
)


def answer(request: str, records: Mapping[str, Any]) -> TableAnswer:
    venues = [Venue(id=v["id"], name=v["name"]) for v in records["find"]["result"]["data"]]
    booked = records.get("rebook") or records.get("book") or {}
    booking_id = (booked.get("result") or {}).get("id") if booked.get("status") == "done" else None
    summary = f"booked {booking_id}" if booking_id else f"{len(venues)} venue(s) found"
    return TableAnswer(summary=summary, venues=venues, booking_id=booking_id)


def policy(toolset: Toolset) -> list[Any]:
    return [MaxLength(60, stages=(Stage.INPUT,)), ApproveWrites()]


SPEC = AgentSpec(
    name=NAME,
    description="Finds and books restaurant tables (CLI tests).",
    instructions="Find or book a restaurant table.",
    tools=("search_restaurants", "check_availability", "book_table"),
    response_model=TableAnswer,
    policy=policy,
    grammar=GRAMMAR,
    offline_answer=answer,
)
