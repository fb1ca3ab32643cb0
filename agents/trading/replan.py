"""What the offline planner does after a step failed, was blocked or was rejected: nothing more.

Nothing is retried. An order the policy blocked, or a person rejected, must not be sent again
unchanged, and a quote for an unlisted symbol will not appear by asking twice. The engine shows
the answer every step of the run, those retired by the re-plan included, so the report can say
why each one did not finish; the re-plan only has to let the run reach its answer:

1. **Keep what is done.** The new plan is the steps that finished; the engine takes a step
   with a finished step's id as that step, so nothing runs again and the run goes on to answer.
2. **A failed cancel** also lists the open orders, so the user sees the ids that can be
   cancelled.
3. **Nothing finished** (a lone quote of an unlisted symbol): nothing is left to run, and the
   engine answers with the failed step's record (``NothingToPlanError``).

A failure's message is never put into a step's arguments: it is the engine's text about a step,
not data for a tool. (A backend that stays down never reaches the re-plan: the engine ends the
run with its ``BackendError``.)
"""

from __future__ import annotations

import re

from plangate.agents.trading.plans import ORDERS
from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.engine.planner import NothingToPlanError, PlanningContext

WHY = "why_"
"""Prefix of the explanation steps earlier versions planned (``why_quote``); a checkpoint made
by one may still hold them."""

BLOCKED = "blocked by"
REJECTED = "rejected by a person"
CONDITION_FALSE = "condition false"
NOT_RUN = "not run"


def explained(step_id: str) -> str | None:
    """The step a ``why_`` step explains (``why_order`` → ``order``); ``None`` for others."""
    return step_id[len(WHY) :] if step_id.startswith(WHY) else None


def replan(match: re.Match[str], context: PlanningContext) -> Plan:
    """The finished steps, kept, and the open orders after a failed cancel.

    Raises:
        NothingToPlanError: nothing finished and nothing else is worth running: the engine
            answers with the records it has.
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
        raise NothingToPlanError(f"nothing left to run after: {', '.join(context.failed)}")
    return Plan(steps=steps, rationale="Not retried: " + ", ".join(context.failed))


_NONE = Step(id="none", tool="", args={})
