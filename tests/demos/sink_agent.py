"""A small agent for the CLI sink tests: book the cheapest flight Lisbon → Madrid for someone.

"fly NAME SURNAME to madrid" books for the person the request names. "fly the crew to madrid"
names nobody, so the plan takes the passenger's name from the search result (the offer's
carrier code): an untrusted value in ``book_flight.passengers``, which the tool refuses.
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
from plangate.graphs.offline.grammar import Grammar, Intent
from plangate.tools.errors import UsageError

NAME = "fly"


class FlightAnswer(BaseModel):
    """What the agent answers."""

    booking_id: str | None = None
    status: str


def _steps(context: PlanningContext, passenger: dict[str, str]) -> list[Step]:
    if context.today is None:  # the engine always passes today, from the agent's clock
        raise UsageError("the fly agent plans from today's date, which the engine gives")
    day = str(context.today + dt.timedelta(days=7))
    search = {"origin": "LIS", "destination": "MAD", "departure_date": day, "max_results": 3}
    booking = {"offer_id": "${flights[0].id}", "passengers": [passenger]}
    return [
        Step(id="flights", tool="search_flights", args=search),
        Step(id="flight", tool="book_flight", args=booking),
    ]


def named(match: re.Match[str], context: PlanningContext) -> Plan:
    passenger = {"first_name": match["first"].title(), "last_name": match["last"].title()}
    return Plan(steps=_steps(context, passenger))


def crew(match: re.Match[str], context: PlanningContext) -> Plan:
    passenger = {"first_name": "${flights[0].segments[0].carrier}", "last_name": "Crew"}
    return Plan(steps=_steps(context, passenger))


GRAMMAR = Grammar(
    [
        Intent(
            name="crew",
            description="Fly the crew",
            examples=("fly the crew to madrid",),
            patterns=(r"\bfly the crew to madrid\b",),
            build=crew,
        ),
        Intent(
            name="named",
            description="Fly someone named",
            examples=("fly ada lovelace to madrid",),
            patterns=(r"\bfly (?P<first>[a-z]+) (?P<last>[a-z]+) to madrid\b",),
            build=named,
        ),
    ]
)


def answer(request: str, records: Mapping[str, Any]) -> FlightAnswer:
    booked = records.get("flight") or {}
    if booked.get("status") == "done":
        return FlightAnswer(booking_id=booked["result"]["id"], status="booked")
    return FlightAnswer(status=str(booked.get("status", "not booked")))


SPEC = AgentSpec(
    name=NAME,
    description="Books a flight to Madrid (CLI sink tests).",
    instructions="Book the cheapest flight from Lisbon to Madrid.",
    tools=("search_flights", "book_flight"),
    response_model=FlightAnswer,
    grammar=GRAMMAR,
    offline_answer=answer,
)
