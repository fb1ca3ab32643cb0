"""The plan and re-plan nodes: ask the planner, validate, guard, repair within the budget.

A plan is validated (``plangate.graphs.engine.validation``) and passed through the plan guardrails
before anything runs. Invalid output is fed back to the planner with the numbered issues; each
repair draws on the run's one retry budget, and when that is spent the run ends with a
``BudgetExceededError`` that lists the issues that kept coming back.

**Re-plans keep what is done.** When a step fails or is rejected, the planner sees what
succeeded (with results), what failed just now and why, and every earlier failure of the run
(``PlanningContext.failed_calls``, identical calls collapsed with a count). The plan it returns is
merged with the steps already done: their records stay, a new step with the same id as a done
step is that step (it is not re-run), and every record that is not done (failed, rejected,
skipped) moves to ``history`` so its id can be planned afresh. ``LLMPlanner`` tells its model all
this in a summary of bounded length (``plangate.graphs.engine.replan_context``), so the prompt
does not grow with the number of re-plans.

**A re-plan works around refusals, not around outages.** Only failures a re-plan can route
around reach it (``plangate.graphs.engine.failures``: a backend still down after its retries
ends the run at dispatch). A re-plan that has nothing to add (``NothingToPlanError``) lets the
run answer with what it has — even when nothing is done, the answer says why. A re-plan that
cannot get past a failure (the re-plan budget is spent, or its output keeps failing validation)
ends the run with that failure's own type — ``GuardrailBlockedError`` for a blocked call, the
tool's error for a failed one — naming the step, the tool and the cause, never a budget error.
A re-plan whose arguments quote a failure's message (a search for the error text) is rejected
like any invalid plan: an error message is not data.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from plangate.graphs.engine.events import PlanReady, PlanRejected, Replanning, VerdictIssued
from plangate.graphs.engine.failures import failure_error, quoted_failures
from plangate.graphs.engine.model_errors import ModelError, ModelOutputTruncatedError
from plangate.graphs.engine.model_gate import call_model
from plangate.graphs.engine.plan import Plan, plan_from_state
from plangate.graphs.engine.planner import (
    NothingToPlanError,
    PlanningContext,
    PlanningError,
    RequestNotUnderstoodError,
)
from plangate.graphs.engine.replan_context import failed_calls
from plangate.graphs.engine.runtime import Runtime, emit, fail_state, fail_with
from plangate.graphs.engine.state import RunState, StepRecord
from plangate.graphs.engine.validation import (
    PlanIssue,
    PlanValidationError,
    format_issues,
    validate_plan,
)
from plangate.graphs.guards.guardrails import Action, GuardSubject, Stage, run_guardrails
from plangate.tools.errors import BudgetExceededError, GuardrailBlockedError

CUT_OFF = (
    "the answer was cut off at the output-token limit before it was complete: answer with a "
    "shorter plan (fewer steps, a one-sentence rationale)"
)


def _context(state: RunState, runtime: Runtime, failed: Mapping[str, str]) -> PlanningContext:
    steps = state.get("steps") or {}
    tools = [t for t in runtime.toolset if runtime.allowed is None or t.name in runtime.allowed]
    previous = plan_from_state(state["plan"]) if state.get("plan") else None
    now = runtime.clock.now()
    return PlanningContext(
        request=state["request"],
        instructions=runtime.instructions,
        tools=tools,
        completed={sid: rec.get("result") for sid, rec in steps.items() if rec["status"] == "done"},
        failed=dict(failed),
        previous=previous,
        failed_calls=failed_calls(steps, state.get("history") or ()) if failed else (),
        today=now.date(),
        timezone=str(now.tzinfo) if now.tzinfo else None,
        run=runtime.thread_id,
    )


def _merge(kept: Plan | None, steps: Mapping[str, StepRecord], new: Plan | None) -> Plan | None:
    """The new plan plus the done steps it builds on (kept verbatim, never re-run).

    With ``new`` None (the planner has nothing to add) it is the done steps alone, or None when
    nothing is done. An empty ``new`` plan (nothing more to call; its ``note`` says why) keeps
    the done steps and that note.
    """
    if kept is None:
        return new
    done = [s for s in kept.steps if steps.get(s.id, {}).get("status") == "done"]
    done_ids = {s.id for s in done}
    fresh = [s for s in new.steps if s.id not in done_ids] if new is not None else []
    if new is None and not done:
        return None
    if new is None:
        return Plan(steps=done)
    return Plan(steps=[*done, *fresh], rationale=new.rationale, note=new.note)


async def plan_node(state: RunState, runtime: Runtime) -> dict[str, Any]:
    """Produce the first plan, or check the fixed plan the run was given."""
    if state.get("status") != "running":
        return {}
    if state.get("fixed") and state.get("plan") is not None:
        return await _accept_fixed(state, runtime)
    return await _produce(state, runtime, failed={}, replan=False)


async def _accept_fixed(state: RunState, runtime: Runtime) -> dict[str, Any]:
    """A plan given as code: validated and guarded like a planned one, never repaired.

    Nobody can fix it mid-run, so its issues end the run with a ``PlanValidationError``
    listing them all.
    """
    plan = plan_from_state(state["plan"])
    issues = validate_plan(plan, runtime.toolset, allowed=runtime.allowed, limits=runtime.limits)
    if issues:
        emit(PlanRejected(issues=[i.message for i in issues], attempt=1))
        return fail_state(PlanValidationError(issues))
    return await _guarded(plan, runtime, attempt=1, replan=False, spent={})


async def replan_node(state: RunState, runtime: Runtime) -> dict[str, Any]:
    """Produce a new plan after failed or rejected steps."""
    steps = state.get("steps") or {}
    troubled = {
        sid: rec.get("error", rec["status"])
        for sid, rec in steps.items()
        if rec["status"] in ("failed", "rejected")
    }
    usage = state.get("usage") or {}
    if state.get("fixed") and not state.get("fixed_replans"):
        # A workflow given as code has no planner to route around a failure: the run ends
        # with the step's own error (``run_plan(..., replan=True)`` lets the planner try).
        records = {sid: rec for sid, rec in steps.items() if sid in troubled}
        return fail_with(*failure_error(records, "the plan is fixed, so nothing re-plans it"))
    try:
        runtime.budget.check(usage, "replans")
    except BudgetExceededError as exc:
        records = {sid: rec for sid, rec in steps.items() if sid in troubled}
        error, status = failure_error(records, f"no re-plan got past it ({exc})")
        return fail_with(error, status)
    emit(Replanning(failed=troubled, attempt=int(usage.get("replans", 0)) + 1))
    update = await _produce(state, runtime, failed=troubled, replan=True)
    # Everything not done is retired, so the new plan may reuse those ids afresh.
    unfinished = [sid for sid, rec in steps.items() if rec["status"] != "done"]
    retired: dict[str, StepRecord | None] = dict.fromkeys(unfinished)
    update.setdefault("steps", {}).update(retired)
    update["history"] = [steps[sid] for sid in unfinished]
    update["round"] = state.get("round", 0) + 1
    update.setdefault("usage", {})["replans"] = 1
    return update


async def _produce(
    state: RunState, runtime: Runtime, *, failed: Mapping[str, str], replan: bool
) -> dict[str, Any]:
    context = _context(state, runtime, failed)
    steps = state.get("steps") or {}
    done = {sid for sid, rec in steps.items() if rec.get("status") == "done"}
    feedback: list[PlanIssue] = []
    usage = dict(state.get("usage") or {})
    spent: dict[str, float] = {"model_calls": 0, "retries": 0}
    calls = runtime.model_calls(usage, spent)
    truncated: ModelOutputTruncatedError | None = None
    attempt = 0
    while True:
        attempt += 1
        try:
            proposed = await call_model(calls, partial(runtime.planner.plan, context, feedback))
            merged = _merge(context.previous if replan else None, steps, proposed)
            if merged is None:  # unreachable: a proposed plan is merged into a plan
                raise PlanningError("the planner returned no plan")
            plan = merged
            issues = validate_plan(
                plan, runtime.toolset, allowed=runtime.allowed, limits=runtime.limits
            ) + quoted_failures(plan, failed, keep=done)
        except PlanningError as exc:
            issues = [PlanIssue(step_id=None, field=None, code="invalid_args", message=str(exc))]
        except ModelOutputTruncatedError as exc:
            truncated = exc
            issues = [PlanIssue(step_id=None, field=None, code="invalid_args", message=CUT_OFF)]
        except NothingToPlanError:
            kept = _merge(context.previous, steps, None) if replan else None
            if kept is not None:
                emit(PlanReady(plan=kept.model_dump(mode="json"), attempt=attempt, replan=True))
                return {"plan": kept.model_dump(mode="json"), "usage": spent}
            if replan:
                # Nothing is done and nothing is left to try: the answer says why.
                return {"plan": None, "usage": spent}
            issues = [
                PlanIssue(
                    step_id=None, field=None, code="invalid_args",
                    message="nothing is done yet, so there is nothing to answer with: plan steps",
                )
            ]  # fmt: skip
        except RequestNotUnderstoodError as exc:
            # The planner cannot plan this request at all; asking again will not help.
            return {**fail_state(exc), "usage": spent}
        except ModelError as exc:
            if exc.resumable:
                raise  # the run stops here, to be resumed from this node (model_errors)
            return {**fail_state(exc), "usage": spent}
        except BudgetExceededError as exc:
            return {**fail_state(exc), "usage": spent}
        if not issues:
            break
        emit(PlanRejected(issues=[i.message for i in issues], attempt=attempt))
        try:
            runtime.budget.check(usage, "retries", spent["retries"] + 1)
        except BudgetExceededError as exc:
            if truncated is not None and issues[-1].message == CUT_OFF:
                return {**fail_state(truncated), "usage": spent}
            message = (
                f"{exc}: the planner's output kept failing validation:\n{format_issues(issues)}"
            )
            records = {sid: rec for sid, rec in steps.items() if sid in failed}
            if replan and records:
                found = "; ".join(issue.message for issue in issues)
                error, status = failure_error(
                    records, f"the re-plan found no way around it: {found}"
                )
                return {**fail_with(error, status), "usage": spent}
            return {**fail_state(BudgetExceededError(
                message, budget=exc.budget, limit=exc.limit, used=exc.used
            )), "usage": spent}  # fmt: skip
        spent["retries"] += 1
        feedback = issues
    return await _guarded(plan, runtime, attempt=attempt, replan=replan, spent=spent)


async def _guarded(
    plan: Plan, runtime: Runtime, *, attempt: int, replan: bool, spent: dict[str, float]
) -> dict[str, Any]:
    """The plan guardrails on a valid plan: the state update that runs it, or ends the run."""
    plan_json = plan.model_dump(mode="json")
    subject = GuardSubject(stage=Stage.PLAN, plan=plan_json, metadata=runtime.metadata())
    outcome = await run_guardrails(runtime.guardrails, subject)
    noted = [v for v in outcome.verdicts if v.action is not Action.ALLOW]
    for verdict in noted:
        emit(VerdictIssued(verdict=verdict.model_dump(mode="json")))
    verdicts = [v.model_dump(mode="json") for v in noted]
    if outcome.blocked_by is not None:
        blocked = GuardrailBlockedError(
            f"plan blocked by {outcome.blocked_by.guardrail}: {outcome.blocked_by.reason}",
            verdict=outcome.blocked_by,
        )
        return {**fail_state(blocked, status="blocked"), "verdicts": verdicts, "usage": spent}
    if outcome.action is Action.MODIFY:
        plan = Plan.model_validate(outcome.subject.plan)
        plan_json = plan.model_dump(mode="json")
    emit(PlanReady(plan=plan_json, attempt=attempt, replan=replan))
    return {"plan": plan_json, "verdicts": verdicts, "usage": spent}
