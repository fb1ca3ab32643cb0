"""Dispatch: pick the next wave of steps, gate it, fan it out, and run each call.

A wave is the set of steps that may start now. For each, the dispatch node

1. evaluates the step's condition (false → the step and its dependents are *skipped*),
2. resolves its ``${...}`` references against earlier results,
3. validates the resolved arguments against the tool's args model,
4. labels each argument with where it came from (``plangate.graphs.engine.provenance``) and
   runs the tool-call guardrails (before any effect), and
5. gathers the calls that need approval and asks for all of them at once (one ``interrupt``
   with a stable id per call: the step id, and the labels, so a person sees which argument
   came from which step's result).

These pre-effect checks run here, not in the call-tool node, so that every approval of a wave is
presented together and decided before any call of the wave starts. Approved calls fan out with
``Send``; reads run in parallel, and writes that touch the same resource (``Tool.resource_key``)
go in separate waves. The call-tool node (``plangate.graphs.engine.calling``) executes through
the ``ToolExecutor`` (retries, the idempotency ledger keyed by thread and step), streams a
``StepRetrying`` event before each retry, validates the result and runs the tool-result
guardrails.

A step that failed in a way no re-plan can route around (a backend still down after its
retries: ``plangate.graphs.engine.failures``) ends the run at the next dispatch, once every call
of its wave has finished, with an error naming the step, the tool and the service.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import chain
from typing import Any

from langgraph.types import Send, interrupt

from plangate.graphs.engine.approvals import Decision, parse_decisions
from plangate.graphs.engine.calling import call_tool, summarize
from plangate.graphs.engine.calling import step_record as _record
from plangate.graphs.engine.conditions import parse_condition
from plangate.graphs.engine.events import ApprovalRequested, VerdictIssued
from plangate.graphs.engine.failures import fatal_error, is_fatal
from plangate.graphs.engine.plan import Plan, plan_from_state
from plangate.graphs.engine.provenance import ProvenanceTracer, with_edits
from plangate.graphs.engine.references import resolve
from plangate.graphs.engine.runtime import Runtime, emit, fail_state, fail_with
from plangate.graphs.engine.state import (
    CALL_TOOL,
    DISPATCH,
    FAIL,
    REACT,
    REPLAN,
    RESPOND,
    RunState,
    StepRecord,
    ToolCall,
)
from plangate.graphs.guards.guardrails import (
    PERSON,
    Action,
    GuardSubject,
    Stage,
    Verdict,
    run_guardrails,
)
from plangate.graphs.guards.labels import CallProvenance
from plangate.graphs.guards.result_labels import (
    PROVENANCE_KEY,
    compact_provenance,
    has_read_untrusted,
    recorded,
    trust_control,
    trust_results,
    trusted_results,
)
from plangate.tools.errors import PlangateError, ToolError

__all__ = [
    "TERMINAL",
    "call_tool",
    "dispatch",
    "must_stop",
    "route_after_call",
    "route_after_dispatch",
    "summarize",
]

TERMINAL = ("done", "failed", "skipped", "rejected")


def _results(steps: Mapping[str, StepRecord]) -> dict[str, Any]:
    return {sid: rec.get("result") for sid, rec in steps.items() if rec.get("status") == "done"}


class _Wave:
    """Accumulates one dispatch's decisions."""

    def __init__(self) -> None:
        self.records: dict[str, StepRecord] = {}
        self.verdicts: list[Verdict] = []
        self.calls: list[ToolCall] = []
        self.approvals: list[tuple[ToolCall, list[Verdict]]] = []
        self.provenance: dict[str, CallProvenance | None] = {}


def must_stop(state: RunState, runtime: Runtime) -> dict[str, Any] | None:
    """The update that ends the run before its next wave or turn, if it must end.

    A failure no re-plan can route around ends it (naming the writes already done), and so
    does the run's wall-clock budget.
    """
    steps = state.get("steps") or {}
    if any(is_fatal(record) for record in steps.values()):
        done_writes = {
            sid: rec["tool"] for sid, rec in steps.items()
            if rec.get("status") == "done" and rec.get("tool") in runtime.toolset
            and runtime.toolset.get(rec["tool"]).is_write
        }  # fmt: skip
        fatal = fatal_error(steps, done_writes)
        if fatal is not None:
            return fail_with(fatal)
    try:
        runtime.budget.check_time(runtime.clock.now().timestamp() - state.get("started_at", 0.0))
    except PlangateError as exc:
        return fail_state(exc)
    return None


async def dispatch(state: RunState, runtime: Runtime) -> dict[str, Any]:
    """Choose, check and (if needed) get approval for the next wave of calls."""
    if state.get("status") != "running" or not state.get("plan"):
        return {"wave": []}
    stop = must_stop(state, runtime)
    if stop is not None:
        return stop
    steps = dict(state.get("steps") or {})
    plan = plan_from_state(state["plan"])
    round_ = state.get("round", 0)
    wave = _Wave()
    _skip_blocked(plan, steps, wave, round_)
    steps.update(wave.records)
    done = [sid for sid, rec in steps.items() if rec.get("status") == "done"]
    finished = [sid for sid, rec in steps.items() if rec.get("status") in TERMINAL]
    ready = [step for step in plan.ready(done, skipped=finished) if step.id not in steps]
    results = _results(steps)
    resources: set[str] = set()
    tracer = ProvenanceTracer(
        state.get("request", ""), results, {sid: rec["tool"] for sid, rec in steps.items()},
        strategy=state.get("strategy", "plan"), round_=round_, run=runtime.thread_id,
        fixed=state.get("fixed", False),
    )  # fmt: skip
    trusted = trusted_results(steps)  # read from the records, so a resume sees the same
    read_untrusted: list[bool] = []  # worked out once, when a call under untrusted control needs it
    for step in ready:
        if len(wave.calls) + len(wave.approvals) >= runtime.limits.max_parallel:
            break
        try:
            holds = not step.condition or parse_condition(step.condition).evaluate(results)
        except PlangateError as exc:
            wave.records[step.id] = _record(
                step.id, step.tool, "failed", round_, error=f"condition: {exc}",
                error_type=type(exc).__name__,
            )  # fmt: skip
            continue
        if not holds:
            for sid in (step.id, *plan.dependents(step.id)):
                if sid not in steps:
                    wave.records[sid] = _record(sid, plan.step(sid).tool, "skipped", round_)
            continue
        if step.tool not in runtime.toolset or (
            runtime.allowed is not None and step.tool not in runtime.allowed
        ):
            # Only a react model can get here: plans are validated before they run.
            allowed = runtime.allowed if runtime.allowed is not None else runtime.toolset.names
            wave.records[step.id] = _record(
                step.id, step.tool, "failed", round_, error_type="ToolArgsError",
                error=f"unknown tool {step.tool!r}; available: {', '.join(sorted(allowed))}",
            )  # fmt: skip
            continue
        tool = runtime.toolset.get(step.tool)
        try:
            args = resolve(step.args, results)
            model = tool.validate_args(args)
        except PlangateError as exc:
            wave.records[step.id] = _record(
                step.id, step.tool, "failed", round_, error=str(exc), error_type=type(exc).__name__
            )
            continue
        if tool.is_write:
            resource = tool.resource_key(model)
            if resource in resources:
                continue  # a conflicting write of this wave goes first; this one waits
            resources.add(resource)
        tainted = any(
            steps[dep].get("tainted", False) for dep in plan.dependencies(step.id) if dep in steps
        )
        call: ToolCall = {
            "step_id": step.id, "tool": step.tool, "args": model.model_dump(mode="json"),
            "tainted": tainted, "round": round_,
        }  # fmt: skip
        provenance = tracer.trace(plan, step, call["args"])
        if not provenance.trusted_control:
            # Control is untrusted once untrusted text was read, not for reading own records.
            if not read_untrusted:
                read_untrusted.append(_has_read_untrusted(state, steps, runtime))
            if not read_untrusted[0]:
                provenance = trust_control(provenance)
        wave.provenance[step.id] = trust_results(provenance, trusted)
        await _gate(runtime, call, wave)
    if wave.approvals:
        await _ask(runtime, wave)
    # Steps failed or rejected in this very dispatch take their dependents with them now.
    _skip_blocked(plan, {**steps, **wave.records}, wave, round_)
    budget_used = len(wave.calls)
    try:
        usage = state.get("usage") or {}
        runtime.budget.check(usage, "steps", budget_used)
        # Each call makes at least one attempt; retries are counted when they happen, so a run
        # that went over through retries stops before its next wave.
        runtime.budget.check(usage, "tool_calls", budget_used)
    except PlangateError as exc:
        return fail_state(exc)
    return {
        "steps": wave.records,
        "wave": wave.calls,
        "verdicts": [v.model_dump(mode="json") for v in wave.verdicts],
    }


def _has_read_untrusted(state: RunState, steps: Mapping[str, StepRecord], runtime: Runtime) -> bool:
    """Whether the planner or model had read untrusted text (results, failures, retired ones)."""

    def trusted_tool(name: str) -> bool:
        return name in runtime.toolset and runtime.toolset.get(name).trusted_output

    records = chain(steps.values(), state.get("history") or ())
    return has_read_untrusted(records, trusted_tool)


def _skip_blocked(plan: Plan, steps: Mapping[str, StepRecord], wave: _Wave, round_: int) -> None:
    """Skip the steps that depend on a skipped, failed or rejected step.

    They could only run on a result that does not exist; the re-plan (after a failure or a
    rejection) is told about them through the failed step.
    """
    for sid, record in steps.items():
        status = record.get("status")
        if status in ("skipped", "failed", "rejected") and plan.has(sid):
            for dependent in plan.dependents(sid):
                if dependent not in steps and dependent not in wave.records:
                    wave.records[dependent] = _record(
                        dependent, plan.step(dependent).tool, "skipped", round_,
                        error=f"skipped: depends on {sid}, which was {status}",
                    )  # fmt: skip


async def _gate(runtime: Runtime, call: ToolCall, wave: _Wave) -> None:
    """Tool-call guardrails for one call: allow, modify, block, or hold for approval."""
    tool = runtime.toolset.get(call["tool"])
    subject = GuardSubject(
        stage=Stage.TOOL_CALL, tool=tool, args=dict(call["args"]), step_id=call["step_id"],
        tainted=call["tainted"], provenance=wave.provenance.get(call["step_id"]),
        metadata=runtime.metadata(),
    )  # fmt: skip
    outcome = await run_guardrails(runtime.guardrails, subject)
    noted = [v for v in outcome.verdicts if v.action is not Action.ALLOW]
    wave.verdicts.extend(noted)
    for verdict in noted:
        emit(VerdictIssued(verdict=verdict.model_dump(mode="json")))
    if outcome.blocked_by is not None:
        reason = f"blocked by {outcome.blocked_by.guardrail}: {outcome.blocked_by.reason}"
        wave.records[call["step_id"]] = _record(
            call["step_id"], call["tool"], "rejected", call["round"], error=reason,
            error_type="GuardrailBlockedError", **recorded(wave.provenance.get(call["step_id"])),
        )  # fmt: skip
        return
    final: ToolCall = {**call, "args": dict(outcome.subject.args or call["args"])}
    provenance = wave.provenance.get(call["step_id"])
    if provenance is not None:
        final["provenance"] = compact_provenance(provenance)
    if outcome.approvals:
        wave.approvals.append((final, list(outcome.approvals)))
    else:
        wave.calls.append(final)


async def _ask(runtime: Runtime, wave: _Wave) -> None:
    """Present every pending approval of the wave at once and apply the decisions."""
    requests: list[dict[str, Any]] = [
        {
            "id": call["step_id"],
            "tool": call["tool"],
            "args": call["args"],
            "reasons": [v.reason for v in verdicts],
            # where each argument came from, so a person sees tool-result text before approving
            **_labels(wave.provenance.get(call["step_id"])),
        }
        for call, verdicts in wave.approvals
    ]
    emit(ApprovalRequested(approvals=requests))
    # ``asked_at`` lets a resume leave the time spent waiting for the person out of the run's
    # wall-clock budget (``Engine.stream_resume``).
    answer = interrupt({"approvals": requests, "asked_at": runtime.clock.now().timestamp()})
    decisions = parse_decisions(answer, [call["step_id"] for call, _ in wave.approvals])
    for call, _ in wave.approvals:
        await _apply(runtime, call, decisions[call["step_id"]], wave)


def _labels(provenance: CallProvenance | None) -> dict[str, Any]:
    return {} if provenance is None else {PROVENANCE_KEY: provenance.to_payload()}


async def _apply(runtime: Runtime, call: ToolCall, decision: Decision, wave: _Wave) -> None:
    reason = decision.reason or f"{decision.action} by a person"
    details: dict[str, Any] = {"decision": decision.action}
    verdict = (
        Verdict.rejection(reason, step_id=call["step_id"], details=details)
        if decision.action == "reject"
        else Verdict(
            guardrail=PERSON, stage=Stage.TOOL_CALL, action=Action.ALLOW, reason=reason,
            step_id=call["step_id"], details=details,
        )
    )  # fmt: skip
    wave.verdicts.append(verdict)
    emit(VerdictIssued(verdict=verdict.model_dump(mode="json")))
    if decision.action == "reject":
        wave.records[call["step_id"]] = _record(
            call["step_id"], call["tool"], "rejected", call["round"],
            error=f"rejected by a person: {decision.reason or 'no reason given'}",
            error_type="Rejected", **recorded(wave.provenance.get(call["step_id"])),
        )  # fmt: skip
        return
    if decision.action == "approve":
        wave.calls.append(call)
        return
    # edit: the new arguments are validated and guarded again; a person approved them, so a
    # further approval verdict is satisfied, but a block still stops the call.
    tool = runtime.toolset.get(call["tool"])
    try:
        model = tool.validate_args({**call["args"], **(decision.args or {})})
    except ToolError as exc:
        wave.records[call["step_id"]] = _record(
            call["step_id"], call["tool"], "failed", call["round"], error=str(exc),
            error_type=type(exc).__name__,
        )  # fmt: skip
        return
    edited: ToolCall = {**call, "args": model.model_dump(mode="json")}
    recheck = _Wave()
    recheck.provenance[call["step_id"]] = with_edits(
        wave.provenance.get(call["step_id"]), edited["args"], decision.args or {}
    )
    await _gate(runtime, edited, recheck)
    wave.verdicts.extend(recheck.verdicts)
    wave.records.update(recheck.records)
    wave.calls.extend(recheck.calls)
    wave.calls.extend(c for c, _ in recheck.approvals)


async def route_after_call(state: RunState) -> str:
    """After a wave's calls: skip the dispatch that would only route onwards, else dispatch.

    - ``react``: once the wave has run every call of the model's turn, straight to the model's
      next turn (the react node makes dispatch's checks first, ``must_stop``).
    - ``plan``: once the last open step of the plan is done and none failed or was refused,
      straight to the answer (the respond node makes the same checks).

    Each call of a wave sees its own record only, not those of the calls beside it, so a
    wave of several calls always goes back to dispatch. Skipping saves a superstep per react
    turn and one per plan run.
    """
    if state.get("status") != "running" or not state.get("plan"):
        return DISPATCH
    steps = state.get("steps") or {}
    plan = plan_from_state(state["plan"])
    if state.get("strategy") != "react":
        for step in plan.steps:
            record = steps.get(step.id)
            if record is None or record.get("status") in ("failed", "rejected"):
                return DISPATCH
        return RESPOND
    wave = {call["step_id"] for call in state.get("wave") or ()}
    if not wave:
        return DISPATCH
    turn = plan.steps[-1].id.split("_")[0]
    for step in reversed(plan.steps):
        if step.id.split("_")[0] != turn:
            break  # an earlier turn: all its steps ended before this turn was asked for
        if step.id not in wave and step.id not in steps:
            return DISPATCH
    return REACT


async def route_after_dispatch(state: RunState) -> Sequence[Send] | str:
    """Fan the wave out, or move on: re-plan after failures, respond when all is done.

    Under ``react`` the model takes the place of re-plan and respond: it sees the wave's results.
    """
    if state.get("status") != "running":
        return FAIL
    wave = state.get("wave") or []
    if wave:
        return [Send(CALL_TOOL, {"call": call}) for call in wave]
    steps = state.get("steps") or {}
    plan = plan_from_state(state["plan"]) if state.get("plan") else None
    if plan is None:
        # A re-plan with nothing left to run, and nothing done: the answer says why.
        return RESPOND if state.get("history") else FAIL
    troubled = [sid for sid, rec in steps.items() if rec.get("status") in ("failed", "rejected")]
    open_steps = [s.id for s in plan.steps if s.id not in steps]
    if state.get("strategy") == "react":
        # The model sees results and failures alike, and decides, once its turn has run. Calls
        # of the turn still waiting (beyond max_parallel, or behind a write to the same
        # resource) go first, even when a call beside them was refused or rejected: the
        # plan-strategy re-planner is no place for a react model. A dispatch that started
        # nothing has recorded an outcome for at least one of them, so this ends.
        if not open_steps:
            return REACT
        done = [sid for sid, rec in steps.items() if rec.get("status") == "done"]
        finished = [sid for sid, rec in steps.items() if rec.get("status") in TERMINAL]
        ready = [s for s in plan.ready(done, skipped=finished) if s.id not in steps]
        return DISPATCH if ready else FAIL
    if troubled:
        return REPLAN
    if open_steps:
        # Nothing could start (e.g. every remaining write conflicts): dispatch again.
        return FAIL
    return RESPOND
