"""``Runtime``: what the engine's nodes need besides the state (tools, planner, guardrails...).

The compiled graph captures one ``Runtime``; each invocation gets a copy bound to its thread
(``for_config``), so the graph itself stays generic and reusable across runs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import RunnableConfig
from langgraph.config import get_stream_writer
from pydantic import BaseModel

from plangate.graphs.engine.budget import DEFAULT_BUDGET, Budget
from plangate.graphs.engine.events import RunFailed
from plangate.graphs.engine.model_errors import ModelError
from plangate.graphs.engine.model_gate import DEFAULT_MODEL_RETRY, ModelCallContext, ModelRetry
from plangate.graphs.engine.plan import DEFAULT_LIMITS, PlanLimits
from plangate.graphs.engine.prices import DEFAULT_PRICES, Price
from plangate.graphs.guards.guardrails import Guardrail
from plangate.tools.clock import Clock, SystemClock
from plangate.tools.errors import BackendError, PlangateError, ToolError
from plangate.tools.executor import ToolExecutor
from plangate.tools.registry import Toolset

if TYPE_CHECKING:  # annotations only: keeps the seams importable on their own
    from plangate.graphs.engine.planner import Planner
    from plangate.graphs.engine.responder import Responder

Strategy = Literal["plan", "react"]


@dataclass(frozen=True)
class Runtime:
    """The engine's collaborators.

    Attributes:
        toolset: the tools, bound to their backends.
        executor: runs tool calls (retries, idempotency ledger).
        planner: produces plans (``LLMPlanner`` or ``RulePlanner``).
        responder: produces the final answer.
        response_model: the answer's pydantic model.
        instructions: the agent's instructions, given to planner and responder.
        guardrails: consulted at every stage, in order.
        allowed: tool names this agent may call (``None``: the whole toolset).
        budget: the run's bounds.
        limits: the plan's bounds.
        clock: time source.
        prices: USD per million tokens, by model family, for the cost budget
            (``DEFAULT_PRICES`` unless given; ``Agent`` adds yours to them; see
            ``plangate.graphs.engine.prices``).
        model_retry: how failed model calls are retried (each attempt is a model call).
        strategy: ``plan`` (plan-and-execute) or ``react`` (step-by-step tool calling).
        react_model: the chat model the ``react`` strategy binds the tools to.
        thread_id: the thread of the current invocation.
        run_id: the run of the current invocation.
    """

    toolset: Toolset
    executor: ToolExecutor
    planner: Planner
    responder: Responder
    response_model: type[BaseModel]
    instructions: str = ""
    guardrails: Sequence[Guardrail] = ()
    allowed: Collection[str] | None = None
    budget: Budget = DEFAULT_BUDGET
    limits: PlanLimits = DEFAULT_LIMITS
    clock: Clock = dataclasses.field(default_factory=SystemClock)
    prices: Mapping[str, Price] = dataclasses.field(default_factory=lambda: dict(DEFAULT_PRICES))
    model_retry: ModelRetry = DEFAULT_MODEL_RETRY
    strategy: Strategy = "plan"
    react_model: BaseChatModel | None = None
    thread_id: str = "thread"
    run_id: str = "run"

    def metadata(self) -> dict[str, Any]:
        """What every guardrail sees besides its subject: the run and the current time."""
        return {
            "thread_id": self.thread_id,
            "run_id": self.run_id,
            "now": self.clock.now().isoformat(),
        }

    def model_calls(self, usage: Mapping[str, float], spent: dict[str, float]) -> ModelCallContext:
        """What a node's model calls are measured against: the run's ``usage`` before the node,
        and ``spent``, the node's own, which each call adds to."""
        return ModelCallContext(
            budget=self.budget, usage=usage, spent=spent, prices=self.prices,
            retry=self.model_retry, emit=emit,
        )  # fmt: skip

    def for_config(self, config: RunnableConfig) -> Runtime:
        """This runtime bound to the thread and run named in ``config``."""
        configurable = config.get("configurable") or {}
        thread = str(configurable.get("thread_id", self.thread_id))
        return dataclasses.replace(
            self, thread_id=thread, run_id=str(configurable.get("run_id", thread))
        )


def emit(event: BaseModel) -> None:
    """Stream ``event`` to whoever listens (``stream_mode="custom"``)."""
    get_stream_writer()(event.model_dump(mode="json"))


def fail_state(exc: PlangateError, status: str = "failed") -> dict[str, Any]:
    """The state update that ends a run with ``exc``."""
    return fail_with(describe_error(exc), status)


def fail_with(error: dict[str, str], status: str = "failed") -> dict[str, Any]:
    """The state update that ends a run with ``error`` (``{type, message, ...}``)."""
    emit(RunFailed(error=error["type"], message=error["message"]))
    return {"status": status, "error": error, "wave": []}


def describe_error(exc: PlangateError) -> dict[str, str]:
    """``exc`` as a run's error: its type and message; for a tool's failure also the tool,
    and for a backend's the service and its HTTP status."""
    error = {"type": type(exc).__name__, "message": str(exc)}
    if isinstance(exc, ModelError):
        error.update(exc.fields())
    if isinstance(exc, ToolError) and exc.tool:
        error["tool"] = exc.tool
    if isinstance(exc, BackendError):
        error["service"] = exc.service
        if exc.status is not None:
            error["status"] = str(exc.status)
    return error
