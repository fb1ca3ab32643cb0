"""What the offline planner does after a step failed, was blocked or was rejected: nothing more.

Nothing is retried. An order the policy blocked, or a person rejected, must not be sent again
unchanged, and a quote for an unlisted symbol will not appear by asking twice. The engine shows
the answer every step of the run, those retired by the re-plan included, so the report can say
why each one did not finish; the re-plan only has to let the run reach its answer:

1. **Keep what is done.** The new plan is the steps that finished; the engine takes a step
   with a finished step's id as that step, so nothing runs again and the run goes on to answer.
2. **A failed cancel** also lists the open orders, so the user sees the ids that can be
   cancelled.
3. **Nothing finished** (a lone quote of an unlisted symbol): a plan needs one step at least, so
   it holds a ``why_<step>`` step — a search of the research notes whose query is the reason —
   which also keeps the reason in a record of the final plan.
"""

from __future__ import annotations

import re

from plangate.agents.trading.plans import ORDERS, RESEARCH_FOLDER
from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.engine.planner import PlanningContext, PlanningError

WHY = "why_"
"""Prefix of the step that explains a step which did not finish (``why_quote``)."""

BLOCKED = "blocked by"
REJECTED = "rejected by a person"
CONDITION_FALSE = "condition false"
NOT_RUN = "not run"


def explained(step_id: str) -> str | None:
    """The step a ``why_`` step explains (``why_order`` → ``order``); ``None`` for others."""
    return step_id[len(WHY) :] if step_id.startswith(WHY) else None


def replan(match: re.Match[str], context: PlanningContext) -> Plan:
    """The finished steps, kept; the open orders after a failed cancel; else an explanation.

    Raises:
        PlanningError: nothing finished and only explanations failed: nothing is left to run.
    """
    previous = context.previous
    planned = {step.id: step for step in previous.steps} if previous is not None else {}
    steps = [step for sid, step in planned.items() if sid in context.completed]
    cancels = [sid for sid in context.failed if planned.get(sid, _NONE).tool == "cancel_order"]
    if cancels and ORDERS not in planned:
        steps.append(
            Step(
                id=ORDERS,
                tool="list_orders",
                args={"status": "open", "limit": 50},
                description="The open orders, since the cancel did not happen",
            )
        )
    if not steps:
        steps = [explain(sid, why) for sid, why in context.failed.items() if not explained(sid)]
    if not steps:
        failures = "; ".join(f"{key}: {why}" for key, why in context.failed.items())
        raise PlanningError(f"nothing left to run after: {failures}")
    return Plan(steps=steps, rationale="Not retried: " + ", ".join(context.failed))


_NONE = Step(id="none", tool="", args={})


def explain(step_id: str, why: str) -> Step:
    """The step that carries why ``step_id`` did not finish (see the module docstring)."""
    return Step(
        id=f"{WHY}{step_id}"[:32],
        tool="search_documents",
        args={"query": why.strip()[:500] or NOT_RUN, "sources": [RESEARCH_FOLDER], "k": 1},
        description=f"Why {step_id} was not done",
    )
