"""``RunResult``: how a run (or a resumed run) ended, and reading it from a paused checkpoint."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from langgraph.types import StateSnapshot
from pydantic import BaseModel

from plangate.graphs.guards.guardrails import PERSON

RunOutcome = Literal["done", "paused", "blocked", "failed", "interrupted"]


@dataclass(frozen=True)
class RunResult:
    """How a run (or a resumed run) ended.

    Attributes:
        thread_id: the run's thread, for ``resume``.
        status: done, paused (waiting for approvals), blocked, failed, or interrupted (the
            process stopped mid-run, or the model provider kept failing; ``recover``
            continues it from its last checkpoint).
        response: the validated response, when done.
        approvals: the pending approvals, when paused: ``{id, tool, args, reasons}``.
        error: ``{type, message}`` when blocked or failed, and when interrupted by a failing
            model (``ModelError``; then also ``kind``, ``provider``, and ``status`` /
            ``retry_after`` when known).
        steps: every step's record, by step id.
        verdicts: every non-allow verdict, in order.
        usage: counters: steps, tool_calls, model_calls, retries, replans.
        plan: the last plan, as JSON data.
    """

    thread_id: str
    status: RunOutcome
    response: BaseModel | None = None
    approvals: list[dict[str, Any]] = field(default_factory=list)
    error: dict[str, str] | None = None
    steps: dict[str, Any] = field(default_factory=dict)
    verdicts: list[dict[str, Any]] = field(default_factory=list)
    usage: dict[str, float] = field(default_factory=dict)
    plan: dict[str, Any] | None = None

    @property
    def blocked_calls(self) -> dict[str, str]:
        """The calls a guardrail refused (``{step_id: why}``), even when the run answered.

        A run that answers around a refused order ("Not placed: blocked by ...") still ran into
        a gate; the command line exits 3 for it, as for a run blocked outright.
        """
        return {
            str(verdict.get("step_id")): f"blocked by {verdict.get('guardrail')}: "
            f"{verdict.get('reason')}"
            for verdict in self.verdicts
            # A person's "no" (``reject``; a ``block`` by "human" in runs saved before that
            # kind existed) is an answer, not a gate.
            if verdict.get("action") == "block"
            and verdict.get("stage") == "tool_call"
            and verdict.get("guardrail") != PERSON
            and verdict.get("step_id")
        }


def approvals_of(interrupts: Any) -> list[dict[str, Any]]:
    """The approvals asked for by the interrupts of a paused run."""
    for interrupt in interrupts:
        value = interrupt.value
        if isinstance(value, dict) and "approvals" in value:
            return list(value["approvals"])
    return []


def task_error(state: StateSnapshot) -> dict[str, str] | None:
    """The error that stopped an interrupted run's next node, as the checkpoint holds it.

    LangGraph keeps the failure of a node as its ``repr`` (``ModelError('openai rate limited
    (HTTP 429)...')``), across processes; ``None`` when the process died without one.
    """
    for task in state.tasks:
        if task.error is None:
            continue
        if isinstance(task.error, BaseException):
            return {"type": type(task.error).__name__, "message": str(task.error)}
        text = task.error if isinstance(task.error, str) else repr(task.error)
        found = re.fullmatch(r"\s*\"?(\w+)\((.*)\)\"?\s*", text, re.DOTALL)
        if found is None:
            return {"type": "Error", "message": text}
        try:
            message = ast.literal_eval(found.group(2))
        except (ValueError, SyntaxError):
            message = found.group(2)
        if isinstance(message, tuple):
            message = ", ".join(str(part) for part in message)
        return {"type": found.group(1), "message": str(message)}
    return None
