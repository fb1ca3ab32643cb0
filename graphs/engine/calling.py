"""The call-tool node: one approved call through the executor, its result guarded.

``Send`` gives each call of a wave to this node; the calls of a wave run in parallel. The
executor retries what is safe to retry; before each wait it says so, and this node streams that
as a ``StepRetrying`` event. A failure becomes the step's record — marked ``fatal`` when no
re-plan can route around it (``plangate.graphs.engine.failures``), which the next dispatch turns
into the run's error. A result goes through the tool-result guardrails before it is recorded.
"""

from __future__ import annotations

from typing import Any

from langgraph.config import get_stream_writer
from pydantic import BaseModel

from plangate.graphs.engine.events import StepFinished, StepRetrying, StepStarted, VerdictIssued
from plangate.graphs.engine.failures import failure_fields
from plangate.graphs.engine.runtime import Runtime
from plangate.graphs.engine.state import CallState, StepRecord
from plangate.graphs.guards.guardrails import Action, GuardSubject, Stage, run_guardrails
from plangate.graphs.guards.result_labels import (
    LABEL_KEY,
    PROVENANCE_KEY,
    expand_provenance,
    label_call_result,
)
from plangate.tools.errors import ToolError, UsageError
from plangate.tools.retrying import RetryNotice, listening


def step_record(step_id: str, tool: str, status: Any, round_: int, **extra: Any) -> StepRecord:
    """A step's record: its id, tool, status and plan round, and any ``extra`` keys."""
    record: StepRecord = {"step_id": step_id, "tool": tool, "status": status, "round": round_}
    record.update(extra)  # type: ignore[typeddict-item]
    return record


async def call_tool(state: CallState, runtime: Runtime) -> dict[str, Any]:
    """Execute one approved call through the executor and guard its result."""
    call = state["call"]
    step_id, name = call["step_id"], call["tool"]
    # The call's argument labels go into its record, so the checkpoint and the trace keep them.
    labelled = {PROVENANCE_KEY: call["provenance"]} if "provenance" in call else {}
    writer = get_stream_writer()
    writer(StepStarted(step_id=step_id, tool=name, args=call["args"]).model_dump(mode="json"))
    started = runtime.clock.monotonic()

    def retrying(notice: RetryNotice) -> None:
        event = StepRetrying(
            step_id=step_id, tool=name, attempt=notice.attempt, max_attempts=notice.max_attempts,
            delay=notice.delay, reason=notice.reason, service=notice.service,
        )  # fmt: skip
        writer(event.model_dump(mode="json"))

    try:
        # Through the context, so the notices also reach through an executor that wraps
        # another (a trace recorder's).
        with listening(retrying):
            outcome = await runtime.executor.call(
                name, call["args"], run_id=runtime.run_id, thread_id=runtime.thread_id,
                step_id=step_id,
            )  # fmt: skip
    except UsageError:
        raise
    except ToolError as exc:
        record = step_record(
            step_id, name, "failed", call["round"], args=call["args"], error=str(exc),
            error_type=type(exc).__name__, duration=runtime.clock.monotonic() - started,
            **failure_fields(exc), **labelled,
        )  # fmt: skip
        writer(_finished(record).model_dump(mode="json"))
        return {"steps": {step_id: record}, "usage": {"tool_calls": exc.attempts}}
    tool = runtime.toolset.get(name)
    subject = GuardSubject(
        stage=Stage.TOOL_RESULT, tool=tool, result=outcome.result_json, step_id=step_id,
        text=None, tainted=call["tainted"], metadata=runtime.metadata(),
    )  # fmt: skip
    guarded = await run_guardrails(runtime.guardrails, subject)
    noted = [v for v in guarded.verdicts if v.action is not Action.ALLOW]
    for verdict in noted:
        writer(VerdictIssued(verdict=verdict.model_dump(mode="json")).model_dump(mode="json"))
    base = {
        "args": call["args"], "attempts": outcome.attempts, "duration": outcome.duration,
        "reused": outcome.reused, "key": outcome.idempotency_key,
        "tainted": call["tainted"] or guarded.tainted, **labelled,
    }  # fmt: skip
    if guarded.blocked_by is not None:
        record = step_record(
            step_id, name, "rejected", call["round"], error=guarded.blocked_by.reason,
            error_type="GuardrailBlockedError", **base,
        )  # fmt: skip
    else:
        label = label_call_result(step_id, tool, expand_provenance(call.get("provenance")))
        record = step_record(
            step_id, name, "done", call["round"], result=guarded.subject.result, **base,
            **{LABEL_KEY: label.to_record()},
        )  # fmt: skip
    writer(_finished(record).model_dump(mode="json"))
    return {
        "steps": {step_id: record},
        "verdicts": [v.model_dump(mode="json") for v in noted],
        "usage": {"tool_calls": outcome.attempts, "steps": 1},
    }


def _finished(record: StepRecord) -> StepFinished:
    return StepFinished(
        step_id=record["step_id"],
        tool=record["tool"],
        status=record["status"],
        summary=summarize(record),
        duration=record.get("duration", 0.0),
        attempts=record.get("attempts", 0),
        reused=record.get("reused", False),
        provenance=record.get("provenance"),
        label=record.get("label"),
    )


def summarize(record: StepRecord, width: int = 80) -> str:
    """A one-line summary of a step's result or error."""
    if record.get("status") != "done":
        return record.get("error", record.get("status", ""))[:width]
    result = record.get("result")
    if isinstance(result, list):
        text = f"{len(result)} item(s)"
    elif isinstance(result, dict):
        text = ", ".join(f"{k}={_short(v)}" for k, v in list(result.items())[:4])
    else:
        text = _short(result)
    return text[:width]


def _short(value: Any) -> str:
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    if isinstance(value, dict | list):
        return f"<{len(value)}>"
    return str(value)[:30]
