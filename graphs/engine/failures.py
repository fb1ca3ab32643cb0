"""Step failures: which ones a re-plan may route around, which end the run, and how they read.

| a step ...                                   | e.g.                                 | then          |
|----------------------------------------------|--------------------------------------|---------------|
| failed with a model-visible error            | bad arguments, "no table free"       | re-plan       |
| was blocked by a guardrail or a person       | "blocked by no_short_selling"        | re-plan       |
| failed otherwise, after the tool's retries   | service unreachable, HTTP 503,       | the run ends  |
|                                              | a timeout, an exception in the tool  | with it       |

A refusal is data: the planner (or the ``react`` model) reads it and tries something else. A
service that stays down after its retries is not: every other tool of that service would fail
alike, and a re-plan would only spend the budget. ``call_tool`` marks such a record ``fatal``
(``failure_fields``); the next dispatch ends the run with ``fatal_error``, which names the
step, the tool, the service and its HTTP status.

A run that re-plans but cannot get past a failure — the re-plan budget runs out, or the planner
has no valid plan left — ends with that failure's own type (``failure_error``): a blocked call
is a ``GuardrailBlockedError``, a refusal its ``ToolRefusedError``; never a budget error that
hides the cause.

Error text is never data: ``quoted_failures`` finds a re-plan's arguments that quote a failure's
message (a document search for "market: cannot connect ..."), which the engine rejects.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from plangate.graphs.engine.plan import Plan
from plangate.graphs.engine.state import StepRecord
from plangate.graphs.engine.validation import PlanIssue
from plangate.tools.errors import BackendError, ToolError

FATAL = "fatal"
"""Record key: the step's failure ends the run."""
SERVICE = "service"
"""Record key: the backend that failed."""
HTTP_STATUS = "http_status"
"""Record key: the backend's HTTP status (absent for transport failures)."""

BLOCKED_TYPE = "GuardrailBlockedError"
_PROBE = 32
"""How much of a failure's message an argument must contain to count as quoting it."""
_SHORTEST = 16
"""Failure messages shorter than this are too generic to recognise in an argument."""


def failure_fields(exc: ToolError) -> dict[str, Any]:
    """What a failed step's record carries besides its error: attempts, fatality, service."""
    fields: dict[str, Any] = {"attempts": exc.attempts, FATAL: not exc.model_visible}
    if isinstance(exc, BackendError):
        fields[SERVICE] = exc.service
        if exc.status is not None:
            fields[HTTP_STATUS] = exc.status
    return fields


def is_fatal(record: StepRecord) -> bool:
    """Whether ``record`` is a failure no re-plan can route around."""
    view: Mapping[str, object] = record
    return record.get("status") == "failed" and view.get(FATAL) is True


def fatal_error(
    steps: Mapping[str, StepRecord], done_writes: Mapping[str, str] | None = None
) -> dict[str, str] | None:
    """The run's error for the first fatal failure among ``steps``; ``None`` if there is none.

    Args:
        steps: the step records, by step id.
        done_writes: writes that did happen (step id → tool), named in the message so a user
            knows what was done before the run ended.
    """
    fatal = [(sid, rec) for sid, rec in steps.items() if is_fatal(rec)]
    if not fatal:
        return None
    step_id, record = fatal[0]
    view: Mapping[str, object] = record
    attempts = int(record.get("attempts") or 1)
    tried = f"after {attempts} attempts" if attempts > 1 else "at the first attempt"
    message = (
        f"{record.get('error') or 'failed'} — step {step_id} ({record.get('tool')}) gave up {tried}"
    )
    if len(fatal) > 1:
        others = ", ".join(sid for sid, _ in fatal[1:])
        message += f"; {others} failed too"
    if done_writes:
        message += "; done before it: " + ", ".join(
            f"{sid} ({tool})" for sid, tool in done_writes.items()
        )
    error = {
        "type": record.get("error_type") or "ToolError",
        "message": message,
        "step": step_id,
        "tool": str(record.get("tool", "")),
    }
    if view.get(SERVICE):
        error["service"] = str(view[SERVICE])
    if view.get(HTTP_STATUS) is not None:
        error["status"] = str(view[HTTP_STATUS])
    return error


def failure_error(troubled: Mapping[str, StepRecord], why: str) -> tuple[dict[str, str], str]:
    """The run's error, and its status, when re-planning cannot get past ``troubled``.

    A guardrail's block comes first, then a person's rejection (both ``GuardrailBlockedError``,
    status ``blocked``), then the first failure with its own error type.

    Args:
        troubled: the failed and rejected step records, by step id (not empty).
        why: why re-planning ends, appended to the message.
    """
    order = {"GuardrailBlockedError": 0, "Rejected": 1}
    ranked = sorted(troubled.items(), key=lambda item: order.get(_type(item[1]), 2))
    step_id, record = ranked[0]
    cause = record.get("error") or record.get("status", "failed")
    what = "was refused" if record.get("status") == "rejected" else "failed"
    message = f"step {step_id} ({record.get('tool')}) {what}: {cause} — {why}"
    if record.get("status") == "rejected":
        return {"type": BLOCKED_TYPE, "message": message, "step": step_id}, "blocked"
    return {"type": _type(record) or "ToolError", "message": message, "step": step_id}, "failed"


def _type(record: StepRecord) -> str:
    return str(record.get("error_type") or "")


def quoted_failures(plan: Plan, failed: Mapping[str, str], keep: set[str]) -> list[PlanIssue]:
    """Issues for the steps of ``plan`` whose arguments quote a failure's message.

    Args:
        plan: the proposed re-plan.
        failed: step id → why it failed, as the planner was told.
        keep: ids of steps kept from earlier plans (done), not checked again.
    """
    probes = [probe for why in failed.values() for probe in _probes(why)]
    issues: list[PlanIssue] = []
    for step in plan.steps:
        if step.id in keep or not probes:
            continue
        for where, text in _strings(step.args, "args"):
            if any(probe in _normal(text) for probe in probes):
                issues.append(
                    PlanIssue(
                        step_id=step.id, field=where, code="invalid_args",
                        message=f"step {step.id}, {where}: quotes the error of a failed step; "
                        "an error message is not an argument — use values from the request "
                        "or from results",
                    )
                )  # fmt: skip
                break
    return issues


def _normal(text: str) -> str:
    # A planner may escape a quoted reference ($${...}) or re-space the text; neither hides it.
    return " ".join(text.replace("$${", "${").casefold().split())


def _probes(why: str) -> Iterator[str]:
    """The head of ``why``, and of its text after a ``service:`` prefix, long enough to tell."""
    text = _normal(why)
    _, sep, rest = text.partition(": ")
    for candidate in (text, rest if sep else ""):
        if len(candidate) >= _SHORTEST:
            yield candidate[:_PROBE]


def _strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _strings(item, f"{where}[{index}]")
