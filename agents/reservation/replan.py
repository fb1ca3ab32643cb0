"""What the offline planner does after a step failed or was refused.

Two answers, decided per failed step:

1. **Try the nearest seating.** A table the venue refused (sold out, or no seating at that
   time) is booked again once, at the free seating nearest the time asked for, read from the
   availability already checked. The steps that depended on the table (a trip's calendar event)
   are planned again on the new booking. The new booking is guarded and approved like any other.
2. **Explain.** Anything else — a booking the policy blocked or a person rejected, a search that
   found nothing — is not retried unchanged. Instead the plan looks the refusal up in the travel
   policy: a ``why_<step>`` search whose query is the reason. The answer reports the step as not
   done with that reason, citing the policy when the policy refused it.

Why a search and not nothing: after a re-plan the engine retires failed records, and the
responder only sees the steps of the final plan; a plan must also have at least one step. The
lookup keeps the reason in the records the answer reads, and gives the user the policy's text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from plangate.agents.reservation.plans import POLICY_SOURCE
from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.engine.planner import PlanningContext, PlanningError

WHY = "why_"
"""Prefix of the step that explains a failed step (``why_table`` explains ``table``)."""

REBOOK = "rebook"
"""Id of the second attempt at a table."""

REFUSED_BY = ("blocked by", "rejected by")
"""How the engine words a guardrail's block and a person's rejection."""


def replan(match: re.Match[str], context: PlanningContext) -> Plan:
    """The plan after ``context.failed``: a rebooking, or the explanations.

    Raises:
        PlanningError: only explanations failed; nothing is left to try.
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
        else:
            steps.append(explain(step_id, why))
    if not steps:
        failures = "; ".join(f"{key}: {why}" for key, why in context.failed.items())
        raise PlanningError(f"nothing left to try after: {failures}")
    return Plan(steps=steps, rationale="Re-plan after: " + ", ".join(context.failed))


def explain(step_id: str, why: str) -> Step:
    """The step that looks the refusal of ``step_id`` up in the travel policy."""
    return Step(
        id=f"{WHY}{step_id}"[:32],
        tool="search_documents",
        # The reason may quote a ${...} reference; $${ keeps it literal text.
        args={
            "query": why[:450].replace("${", "$${") or "refused",
            "sources": [POLICY_SOURCE],
            "k": 1,
        },
        description=f"Why {step_id} was not done, and what the travel policy says",
    )


def _nearest_seating(step: Step, why: str, completed: Mapping[str, Any]) -> Step | None:
    if step.tool != "book_table" or step.id == REBOOK or why.startswith(REFUSED_BY):
        return None
    availability = completed.get("avail")
    wanted = _moment(step.args.get("start"))
    if not isinstance(availability, Mapping) or wanted is None:
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


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
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
