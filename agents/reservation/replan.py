"""What the offline planner does after a step failed or was refused.

Decided per failed step:

1. **Try the nearest seating.** A table the venue refused (sold out, or no seating at that
   time) is booked again once, at the free seating nearest the time asked for, read from the
   availability already checked. The steps that depended on the table (a trip's calendar event)
   are planned again on the new booking. The new booking is guarded and approved like any other.
2. **Cite the policy.** A booking a guardrail blocked is not retried; the plan looks up what the
   travel policy says on that rule (a ``why_<step>`` search), so the answer can quote it next to
   the reason. The query is made of the rule's name and the kind of booking — never of the
   failure's message, which is the engine's text about a step, not data for a tool.
3. **Nothing else.** A person's rejection, a search that found nothing, a refusal with no free
   seating left: nothing is worth running again. The engine answers with the records it has, the
   failed steps included (``NothingToPlanError``), so the answer says why each was not done. (A
   backend that stays down never reaches the re-plan: the engine ends the run with its
   ``BackendError``.)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from plangate.agents.reservation.plans import POLICY_SOURCE
from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.engine.planner import NothingToPlanError, PlanningContext
from plangate.graphs.engine.references import resolve
from plangate.tools.errors import PlangateError

WHY = "why_"
"""Prefix of the policy lookup for a blocked step (``why_table`` for ``table``)."""

REBOOK = "rebook"
"""Id of the second attempt at a table."""

REFUSED_BY = ("blocked by", "rejected by")
"""How the engine words a guardrail's block and a person's rejection."""

_BLOCKED_BY = re.compile(r"blocked by ([a-z][a-z0-9_]{0,40}):")
"""A guardrail's block, as the engine words it: the rule's name is an identifier."""

TOPICS = {
    "book_table": "restaurant dinner booking", "cancel_reservation": "restaurant booking",
    "book_flight": "flight booking fare", "cancel_booking": "flight booking",
    "create_event": "travel calendar", "cancel_event": "travel calendar",
}  # fmt: skip
"""What the policy calls each kind of booking, for the lookup's query."""


def replan(match: re.Match[str], context: PlanningContext) -> Plan:
    """The plan after ``context.failed``: a rebooking, or the policy on a blocked booking.

    Raises:
        NothingToPlanError: nothing is worth running again; the engine answers with what it has.
    """
    previous = context.previous
    planned = {step.id: step for step in previous.steps} if previous else {}
    steps: list[Step] = []
    for step_id, why in context.failed.items():
        step = planned.get(step_id)
        if step is None or step_id.startswith(WHY):
            continue
        retry = _nearest_seating(step, why, context.completed)
        if retry is not None and previous is not None:
            steps.append(retry)
            steps.extend(
                _rewire(previous.step(dep), step_id) for dep in previous.dependents(step_id)
            )
        elif (lookup := explain(step, why)) is not None:
            steps.append(lookup)
    if not steps:
        raise NothingToPlanError(f"nothing left to try after: {', '.join(context.failed)}")
    return Plan(steps=steps, rationale="Re-plan after: " + ", ".join(context.failed))


def explain(step: Step, why: str) -> Step | None:
    """The lookup of what the travel policy says on the rule that blocked ``step``.

    ``None`` when no guardrail blocked it. The query names the rule and the kind of booking;
    ``why`` itself is not put into it.
    """
    blocked = _BLOCKED_BY.match(why)
    if blocked is None:
        return None
    rule = blocked.group(1).replace("_", " ")
    topic = TOPICS.get(step.tool, "booking")
    return Step(
        id=f"{WHY}{step.id}"[:32],
        tool="search_documents",
        args={"query": f"{rule} {topic}", "sources": [POLICY_SOURCE], "k": 1},
        description=f"What the travel policy says on {rule}, which blocked {step.id}",
    )


def _nearest_seating(step: Step, why: str, completed: Mapping[str, Any]) -> Step | None:
    if step.tool != "book_table" or step.id == REBOOK or why.startswith(REFUSED_BY):
        return None
    availability = completed.get("avail")
    if not isinstance(availability, Mapping):
        return None
    wanted = _moment(_resolved(step.args.get("start"), completed), availability.get("timezone"))
    if wanted is None:
        return None
    free = [
        moment
        for slot in availability.get("slots") or []
        if isinstance(slot, Mapping) and slot.get("tables_left", 0) > 0
        if (moment := _moment(slot.get("start"))) is not None and moment != wanted
    ]
    if not free:
        return None
    # Nearest first; on a tie the later seating, since the guests planned to be busy before.
    best = min(free, key=lambda moment: (abs(moment - wanted), -moment.timestamp()))
    return step.model_copy(
        update={
            "id": REBOOK,
            "args": {**step.args, "start": best.isoformat()},
            "description": f"Book the nearest free seating instead ({why[:80]})",
        }
    )


def _resolved(value: Any, completed: Mapping[str, Any]) -> Any:
    """``value`` with its references read from the results (a trip's start is the landing date's)."""
    try:
        return resolve(value, completed)
    except PlangateError:
        return None


def _moment(value: Any, zone: Any = None) -> datetime | None:
    """An ISO datetime; one written without an offset is read in ``zone`` (the venue's), if given."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None and isinstance(zone, str):
        try:
            return moment.replace(tzinfo=ZoneInfo(zone))
        except (ZoneInfoNotFoundError, ValueError):
            return None
    return moment if moment.tzinfo is not None else None


def _rewire(step: Step, old: str) -> Step:
    """``step`` reading the rebooking's result where it read ``old``'s."""

    def swap(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace(f"${{{old}.", f"${{{REBOOK}.").replace(
                f"${{{old}}}", f"${{{REBOOK}}}"
            )
        if isinstance(value, dict):
            return {key: swap(item) for key, item in value.items()}
        if isinstance(value, list):
            return [swap(item) for item in value]
        return value

    return step.model_copy(
        update={
            "args": swap(step.args),
            "condition": swap(step.condition),
            "depends_on": [REBOOK if dep == old else dep for dep in step.depends_on],
        }
    )
