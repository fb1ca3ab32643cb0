"""The LangGraph state of a run, its reducers, and the node names.

State holds JSON data only (plans, step records, verdicts), so any checkpointer can persist it
and a run can resume in another process.

**Saved as deltas.** What grows with a run — the step records, the retired records, the
verdicts and the plan (which ``react`` extends every turn) — lives in LangGraph
``DeltaChannel``s: a checkpoint stores what a step *added*, not the whole value again, and a
full snapshot every ``SNAPSHOT_EVERY`` updates bounds what a resume replays. Rewriting whole
values made the saved bytes grow with the square of a run's length. Their reducers take a batch
of writes and give the same result however the batch is split, as ``DeltaChannel`` requires.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import UnionType
from typing import Annotated, Any, Literal, NotRequired, TypedDict, Union, get_args, get_origin

from langgraph.channels.delta import DeltaChannel

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
    (idempotency key of a write), ``round`` (which plan, 0 = first), ``provenance`` (where
    each argument came from) and ``label`` (its result's label:
    ``plangate.graphs.guards.result_labels``).
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
    provenance: dict[str, Any]
    label: dict[str, Any]


class ToolCall(TypedDict):
    """One approved call of a wave, sent to the call-tool node (with its argument labels)."""

    step_id: str
    tool: str
    args: dict[str, Any]
    tainted: bool
    round: int
    provenance: NotRequired[dict[str, Any]]


SNAPSHOT_EVERY = 50
"""A growing channel is saved whole once every this many updates, as a delta otherwise."""


class Growing(DeltaChannel[Any]):
    """A ``DeltaChannel`` whose value may also be ``None`` (``dict[str, Any] | None``).

    ``DeltaChannel`` starts an empty channel from its value type, which a union cannot make:
    the type that is not ``None`` is used.
    """

    def __init__(
        self,
        reducer: Callable[[Any, Sequence[Any]], Any],
        typ: Any = None,
        *,
        snapshot_frequency: int = SNAPSHOT_EVERY,
    ) -> None:
        if get_origin(typ) in (Union, UnionType):
            members = [t for t in get_args(typ) if t is not type(None)]
            typ = members[0] if len(members) == 1 else typ
        super().__init__(reducer, typ, snapshot_frequency=snapshot_frequency)


def merge_steps(
    left: Mapping[str, StepRecord] | None,
    writes: Sequence[Mapping[str, StepRecord | None] | None],
) -> dict[str, StepRecord]:
    """Reducer: records by step id; ``None`` removes a record (a re-plan retires failures)."""
    out = dict(left or {})
    for right in writes:
        for step_id, record in (right or {}).items():
            if record is None:
                out.pop(step_id, None)
            else:
                out[step_id] = record
    return out


def append_all(left: Sequence[Any] | None, writes: Sequence[Sequence[Any] | None]) -> list[Any]:
    """Reducer: each write's items appended, in order."""
    out = list(left or ())
    for items in writes:
        out.extend(items or ())
    return out


PLAN_EXTENSION = "extend_steps"
"""Key of a plan update that appends steps to the plan instead of replacing it."""


def extend_plan(steps: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The ``plan`` update that appends ``steps`` (JSON data) to the current plan."""
    return {PLAN_EXTENSION: list(steps)}


def merge_plan(
    current: dict[str, Any] | None, writes: Sequence[dict[str, Any] | None]
) -> dict[str, Any] | None:
    """Reducer: a plan (or ``None``) replaces the plan; ``extend_plan(steps)`` appends to it.

    ``react`` adds each turn's calls as an extension, so a checkpoint saves the new steps only.
    """
    for write in writes:
        if write is not None and PLAN_EXTENSION in write:
            base = current or {}
            current = {**base, "steps": [*base.get("steps", ()), *write[PLAN_EXTENSION]]}
        else:
            current = write
    return current


class RunState(TypedDict, total=False):
    """The state of one run (one thread)."""

    request: str
    strategy: Literal["plan", "react"]
    react_done: bool
    plan: Annotated[dict[str, Any] | None, Growing(merge_plan)]
    round: int
    steps: Annotated[dict[str, StepRecord], Growing(merge_steps)]
    history: Annotated[list[StepRecord], Growing(append_all)]
    wave: list[ToolCall]
    verdicts: Annotated[list[dict[str, Any]], Growing(append_all)]
    usage: Annotated[dict[str, float], add_usage]
    response: dict[str, Any] | None
    status: RunStatus
    error: dict[str, str] | None
    started_at: float
    fixed: bool  # the first plan was given as code (``Engine.run_plan``), not planned
    fixed_replans: bool  # a failed step of that plan may be re-planned by the planner


class CallState(TypedDict):
    """What ``Send`` gives the call-tool node."""

    call: ToolCall
