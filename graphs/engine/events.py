"""Typed events a run streams: what the CLI renders and the trace recorder writes.

Nodes emit events through LangGraph's stream writer (``stream_mode="custom"``); ``Engine.stream``
yields them as these models. Every event is JSON-serialisable and carries a ``kind``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True)


class RunStarted(_Event):
    """A run began (or resumed)."""

    kind: Literal["run_started"] = "run_started"
    thread_id: str
    request: str
    resumed: bool = False


class PlanReady(_Event):
    """A plan passed validation and the plan guardrails.

    Under ``react`` each model turn adds its calls to the plan: the event then carries only the
    steps added (``extends``), so a long run's events do not repeat the whole plan every turn.
    """

    kind: Literal["plan_ready"] = "plan_ready"
    plan: dict[str, Any]
    attempt: int = 1
    replan: bool = False
    extends: bool = False


class PlanRejected(_Event):
    """A planner's output failed validation; the issues are fed back to it."""

    kind: Literal["plan_rejected"] = "plan_rejected"
    issues: list[str]
    attempt: int


class StepStarted(_Event):
    """A step's tool call is about to run."""

    kind: Literal["step_started"] = "step_started"
    step_id: str
    tool: str
    args: dict[str, Any]


class StepRetrying(_Event):
    """A step's call failed and is tried again after ``delay`` seconds.

    ``attempt`` is the attempt about to start (2 for the first retry), of at most
    ``max_attempts``; ``reason`` says in a few words what went wrong ("unreachable",
    "answered HTTP 503"); ``service`` names the backend when one failed.
    """

    kind: Literal["step_retrying"] = "step_retrying"
    step_id: str
    tool: str
    attempt: int
    max_attempts: int
    delay: float
    reason: str
    service: str = ""


class StepFinished(_Event):
    """A step ended: done, failed, skipped or rejected.

    ``provenance`` and ``label`` are the step's labels (where each argument came from, and its
    result's label: ``plangate.graphs.guards.result_labels``), so a trace keeps them; events
    recorded before labels existed have neither.
    """

    kind: Literal["step_finished"] = "step_finished"
    step_id: str
    tool: str
    status: Literal["done", "failed", "skipped", "rejected"]
    summary: str = ""
    duration: float = 0.0
    attempts: int = 0
    reused: bool = False
    provenance: dict[str, Any] | None = None
    label: dict[str, Any] | None = None


class VerdictIssued(_Event):
    """A guardrail decided something other than a plain allow."""

    kind: Literal["verdict"] = "verdict"
    verdict: dict[str, Any]


class ApprovalRequested(_Event):
    """The run paused: these calls wait for a decision."""

    kind: Literal["approval_requested"] = "approval_requested"
    approvals: list[dict[str, Any]]


class Replanning(_Event):
    """A step failed or was rejected; the planner is asked again."""

    kind: Literal["replanning"] = "replanning"
    failed: dict[str, str]
    attempt: int


class FinalAnswer(_Event):
    """The validated response."""

    kind: Literal["final"] = "final"
    response: dict[str, Any]


class AnswerToken(_Event):
    """A piece of the answer as the responding model streams it (``answer_tokens``).

    ``text`` is what arrived: the model's words (``format="text"``) or a fragment of the JSON
    arguments of its structured answer (``format="json"``). ``attempt`` counts the responding
    model's calls in this node: a retried or repaired answer starts again at a higher attempt,
    so a consumer drops what it showed of the earlier one. When output guardrails watch the run,
    pieces pass them before they are sent (a sentence or JSON value at a time). Tokens are
    neither checkpointed nor traced; the ``FinalAnswer`` that follows is the answer.
    """

    kind: Literal["answer_token"] = "answer_token"
    text: str
    attempt: int = 1
    format: Literal["text", "json"] = "text"


class ModelRetrying(_Event):
    """A model call failed in a way another attempt may get past; plangate waits, then retries."""

    kind: Literal["model_retrying"] = "model_retrying"
    provider: str
    reason: str
    attempt: int
    max_attempts: int
    delay: float


class RunInterrupted(_Event):
    """The run stopped where it was (the model provider kept failing); it can be resumed."""

    kind: Literal["run_interrupted"] = "run_interrupted"
    error: str
    message: str


class RunFailed(_Event):
    """The run ended without an answer."""

    kind: Literal["run_failed"] = "run_failed"
    error: str
    message: str


Event = Annotated[
    RunStarted | PlanReady | PlanRejected | StepStarted | StepRetrying | StepFinished
    | VerdictIssued | ApprovalRequested | Replanning | FinalAnswer | RunFailed
    | ModelRetrying | RunInterrupted | AnswerToken,
    Field(discriminator="kind"),
]  # fmt: skip
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)


def parse_event(data: Any) -> Event:
    """An event from its JSON data."""
    return EVENT_ADAPTER.validate_python(data)
