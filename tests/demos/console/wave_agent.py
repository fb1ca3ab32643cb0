"""An agent whose plan asks for two approvals at once: one wave, decided together or one by one.

``SPEC`` understands "book two tables for N in CITY": a search, an availability check at each of
the first two venues found, then a ``book_table`` write at each (their first free seating). The
writes are at different venues, so neither waits for the other: both reach the approval gate
in the same wave.
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
from plangate.graphs.guards.policy import ApproveWrites
from plangate.graphs.offline.grammar import Grammar, Intent
from plangate.tools.errors import UsageError
from plangate.tools.registry import Toolset


class TwoTables(BaseModel):
    """What the agent answers: the bookings made."""

    summary: str
    bookings: list[str]


def book_two(match: re.Match[str], context: PlanningContext) -> Plan:
    if context.today is None:  # the engine always passes today, from the agent's clock
        raise UsageError("the two-tables agent plans from today's date, which the engine gives")
    party, day = int(match["n"]), str(context.today + dt.timedelta(days=2))
    search = {"city": match["city"].title(), "party_size": party, "date": day, "limit": 3}
    steps = [Step(id="find", tool="search_restaurants", args=search)]
    for n, name in enumerate(("first", "second")):
        venue = f"${{find.data[{n}].id}}"
        check = {"venue_id": venue, "date": day, "party_size": party}
        start = f"${{avail_{name}.slots[0].start}}"
        booking = {"venue_id": venue, "start": start, "party_size": party, "name": "Ada Lovelace"}
        steps.append(Step(id=f"avail_{name}", tool="check_availability", args=check))
        steps.append(Step(id=name, tool="book_table", args=booking))
    return Plan(steps=steps)


def answer(request: str, records: Mapping[str, Any]) -> TwoTables:
    made = [
        str(records[step]["result"]["id"])
        for step in ("first", "second")
        if records.get(step, {}).get("status") == "done"
    ]
    return TwoTables(summary=f"{len(made)} table(s) booked", bookings=made)


def policy(toolset: Toolset) -> list[Any]:
    return [ApproveWrites()]


SPEC = AgentSpec(
    name="two_tables",
    description="Books two tables at once (the console's tests).",
    instructions="Book two tables.",
    tools=("search_restaurants", "check_availability", "book_table"),
    response_model=TwoTables,
    policy=policy,
    grammar=Grammar(
        [
            Intent(
                name="book_two",
                description="Book two tables",
                examples=("book two tables for 2 in Lisbon",),
                patterns=(r"\bbook two tables for (?P<n>\d+) in (?P<city>[a-z]+)",),
                build=book_two,
            )
        ]
    ),
    offline_answer=answer,
)
