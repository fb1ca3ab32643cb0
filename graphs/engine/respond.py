"""The respond node: the agent's response model, validated, repaired, then output guardrails.

The responder (a model with structured output, or the agent's offline function) receives the
request and every step's record — tool, args, status, result or error — keyed by step id. Its
answer is validated against the response model; errors go back to it as feedback, each repair
drawing on the run's retry budget. The output guardrails see the answer as JSON text: a
``modify`` (PII redaction) is parsed back and validated again, so the answer always matches its
model. While a model writes the answer its tokens stream as ``AnswerToken`` events
(``answer_tokens``), each piece checked by the output guardrails first.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

from pydantic import BaseModel, ValidationError

from plangate.graphs.engine.answer_tokens import answer_tokens
from plangate.graphs.engine.dispatch import must_stop
from plangate.graphs.engine.events import FinalAnswer, VerdictIssued
from plangate.graphs.engine.model_errors import ModelError, ModelOutputTruncatedError
from plangate.graphs.engine.model_gate import call_model
from plangate.graphs.engine.runtime import Runtime, emit, fail_state
from plangate.graphs.engine.state import RunState, StepRecord
from plangate.graphs.guards.guardrails import Action, GuardSubject, Stage, run_guardrails
from plangate.tools.errors import BudgetExceededError, GuardrailBlockedError, OutputValidationError

CUT_OFF = (
    "(root): the answer was cut off at the output-token limit before it was complete; "
    "answer again, more briefly"
)


PLAN_NOTE = "(plan)"
"""The key of the plan's ``note`` among the records a responder sees: never a step id (ids
start with a letter), so it cannot hide a step."""


def step_view(
    steps: Mapping[str, StepRecord],
    history: Sequence[StepRecord] = (),
    note: str = "",
    conditions: Mapping[str, str] | None = None,
) -> dict[str, dict[str, Any]]:
    """What a responder sees of each step: tool, args, status, result or error.

    Steps retired by a re-plan (failed, rejected, skipped) are included with their last record,
    so the answer can say why something was not done; a current step of the same id wins. A
    step skipped because its own condition was false has no error: its ``condition`` (from
    ``conditions``, step id → condition) is shown instead, so the answer can say what was
    false. A plan's ``note`` (an empty plan's answer or refusal) comes last, as
    ``{PLAN_NOTE: {"status": "note", "result": note}}``.
    """
    merged: dict[str, StepRecord] = {rec["step_id"]: rec for rec in history}
    merged.update(steps)
    view: dict[str, dict[str, Any]] = {
        sid: {
            key: rec.get(key) for key in ("tool", "args", "status", "result", "error") if key in rec
        }
        for sid, rec in merged.items()
    }
    for sid, condition in (conditions or {}).items():
        shown = view.get(sid)
        if shown is not None and shown.get("status") == "skipped" and not shown.get("error"):
            shown["condition"] = condition
    if note.strip():
        view[PLAN_NOTE] = {"status": "note", "result": note.strip()}
    return view


def _errors(exc: ValidationError) -> list[tuple[str, str]]:
    return [(".".join(str(p) for p in e["loc"]) or "(root)", e["msg"]) for e in exc.errors()]


async def respond_node(state: RunState, runtime: Runtime) -> dict[str, Any]:
    """Produce the validated, guarded answer."""
    stop = must_stop(state, runtime)  # the checks of the dispatch a last call may skip
    if stop is not None:
        return stop
    plan = state.get("plan") or {}
    conditions = {
        str(step["id"]): str(step["condition"])
        for step in plan.get("steps") or []
        if isinstance(step, dict) and step.get("condition")
    }
    view = step_view(
        state.get("steps") or {}, state.get("history") or [], plan.get("note") or "", conditions
    )
    usage = dict(state.get("usage") or {})
    spent: dict[str, float] = {"model_calls": 0, "retries": 0}
    feedback: list[str] = []
    calls = runtime.model_calls(usage, spent)
    # One tap for every attempt: a repaired answer's tokens come with a higher attempt.
    with answer_tokens(runtime.guardrails, runtime.metadata(), emit):
        while True:
            try:
                respond = partial(
                    runtime.responder.respond,
                    state["request"],
                    view,
                    runtime.response_model,
                    feedback,
                )
                raw = await call_model(calls, respond)
            except ModelOutputTruncatedError as exc:
                feedback = [CUT_OFF]  # a shorter answer may fit: ask again, within the retry budget
                try:
                    runtime.budget.check(usage, "retries", spent["retries"] + 1)
                except BudgetExceededError:
                    return {**fail_state(exc), "usage": spent}
                spent["retries"] += 1
                continue
            except ModelError as exc:
                if exc.resumable:
                    raise  # the run stops here, to be resumed from this node (model_errors)
                return {**fail_state(exc), "usage": spent}
            except BudgetExceededError as exc:
                return {**fail_state(exc), "usage": spent}
            try:
                data = raw.model_dump(mode="json") if isinstance(raw, BaseModel) else raw
                answer = runtime.response_model.model_validate(data)
                break
            except ValidationError as exc:
                errors = _errors(exc)
                feedback = [f"{loc}: {msg}" for loc, msg in errors]
                try:
                    runtime.budget.check(usage, "retries", spent["retries"] + 1)
                except BudgetExceededError:
                    failure = OutputValidationError(
                        "the answer did not match "
                        f"{runtime.response_model.__name__} when the retry budget ran out: "
                        + "; ".join(feedback),
                        errors=errors,
                    )
                    return {**fail_state(failure), "usage": spent}
                spent["retries"] += 1
    text = json.dumps(answer.model_dump(mode="json"), ensure_ascii=False)
    outcome = await run_guardrails(
        runtime.guardrails, GuardSubject(stage=Stage.OUTPUT, text=text, metadata=runtime.metadata())
    )
    noted = [v for v in outcome.verdicts if v.action is not Action.ALLOW]
    for verdict in noted:
        emit(VerdictIssued(verdict=verdict.model_dump(mode="json")))
    verdicts = [v.model_dump(mode="json") for v in noted]
    if outcome.blocked_by is not None:
        blocked = GuardrailBlockedError(
            f"answer blocked by {outcome.blocked_by.guardrail}: {outcome.blocked_by.reason}",
            verdict=outcome.blocked_by,
        )
        return {**fail_state(blocked, status="blocked"), "verdicts": verdicts, "usage": spent}
    if outcome.action is Action.MODIFY and outcome.subject.text is not None:
        try:
            answer = runtime.response_model.model_validate_json(outcome.subject.text)
        except ValidationError as exc:
            failure = OutputValidationError(
                "the redacted answer no longer matches its model", errors=_errors(exc)
            )
            return {**fail_state(failure), "verdicts": verdicts, "usage": spent}
    response = answer.model_dump(mode="json")
    emit(FinalAnswer(response=response))
    return {"response": response, "status": "done", "verdicts": verdicts, "usage": spent}
