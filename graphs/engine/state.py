"""The LangGraph state of a run, its reducers, and the node names.

State holds JSON data only (plans, step records, verdicts), so any checkpointer can persist it
and a run can resume in another process.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from typing import Annotated, Any, Literal, TypedDict

from plangate.graphs.engine.budget import add_usage

GUARD_INPUT = "guard_input"
PLAN = "plan"
DISPATCH = "dispatch"
CALL_TOOL = "call_tool"
REPLAN = "replan"
RESPOND = "respond"
FAIL = "fail"
REACT = "react"

StepStatus = Literal["done", "failed", "skipped", "rejected"]
RunStatus = Literal["running", "done", "failed", "blocked"]


class StepRecord(TypedDict, total=False):
    """What happened to one step.

    Keys: ``step_id``, ``tool``, ``status``, ``args`` (resolved), ``result`` (JSON, after the
    result guardrails), ``error`` (message), ``error_type``, ``attempts``, ``duration``,
    ``reused`` (the ledger answered), ``tainted`` (derived from flagged text), ``key``
    (idempotency key of a write), ``round`` (which plan, 0 = first).
    """

    step_id: str
    tool: str
    status: StepStatus
    args: dict[str, Any]
    result: Any
    error: str
    error_type: str
    attempts: int
    duration: float
    reused: bool
    tainted: bool
    key: str | None
    round: int


class ToolCall(TypedDict):
    """One approved call of a wave, sent to the call-tool node."""

    step_id: str
    tool: str
    args: dict[str, Any]
    tainted: bool
    round: int


def merge_steps(
    left: Mapping[str, StepRecord] | None, right: Mapping[str, StepRecord | None] | None
) -> dict[str, StepRecord]:
    """Reducer: records by step id; ``None`` removes a record (a re-plan retires failures)."""
    out = dict(left or {})
    for step_id, record in (right or {}).items():
        if record is None:
            out.pop(step_id, None)
        else:
            out[step_id] = record
    return out


class RunState(TypedDict, total=False):
    """The state of one run (one thread)."""

    request: str
    strategy: Literal["plan", "react"]
    react_done: bool
    plan: dict[str, Any] | None
    round: int
    steps: Annotated[dict[str, StepRecord], merge_steps]
    history: Annotated[list[StepRecord], operator.add]
    wave: list[ToolCall]
    verdicts: Annotated[list[dict[str, Any]], operator.add]
    usage: Annotated[dict[str, float], add_usage]
    response: dict[str, Any] | None
    status: RunStatus
    error: dict[str, str] | None
    started_at: float


class CallState(TypedDict):
    """What ``Send`` gives the call-tool node."""

    call: ToolCall
