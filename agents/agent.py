"""``Agent``: an ``AgentSpec`` made runnable over bound tools and a model (or none).

Without a model the agent runs offline: the ``RulePlanner`` plans with the spec's grammar and the
spec's ``offline_answer`` writes the answer. With any LangChain chat model, ``LLMPlanner`` and
``LLMResponder`` take over (and ``strategy="react"`` lets the model call tools turn by turn).
Either way the same engine runs the plan, with the spec's guardrails at every stage.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel

from agents.spec import AgentSpec
from graphs.build import Checkpointer, Engine, RunResult
from graphs.events import Event
from graphs.guardrails import Guardrail
from graphs.metering import Price
from graphs.planner import LLMPlanner, Planner, RulePlanner
from graphs.responder import FunctionResponder, LLMResponder, Responder
from graphs.runtime import Runtime, Strategy
from tools.clock import Clock, SystemClock
from tools.errors import UsageError
from tools.executor import ToolExecutor
from tools.ledger import Ledger
from tools.registry import Toolset


class Agent:
    """A runnable assistant.

    Args:
        spec: what the agent is.
        toolset: tools bound to their backends; the spec's allow-list picks from it.
        model: a LangChain chat model, or ``None`` to run offline.
        strategy: ``plan`` (default) or ``react`` (needs a model).
        checkpointer: where runs persist (in memory by default; SQLite for the CLI).
        ledger: the idempotency ledger for writes (in memory by default).
        clock: time source for the engine and the executor.
        guardrails: extra guardrails, run after the spec's own.
        prices: USD per million tokens by model name, for the cost budget.
    """

    def __init__(
        self,
        spec: AgentSpec,
        toolset: Toolset,
        *,
        model: BaseChatModel | None = None,
        strategy: Strategy = "plan",
        checkpointer: Checkpointer | None = None,
        ledger: Ledger | None = None,
        clock: Clock | None = None,
        guardrails: Sequence[Guardrail] = (),
        prices: Mapping[str, Price] | None = None,
    ) -> None:
        self.spec = spec
        self.model = model
        self.toolset = toolset.allow(spec.tools)
        clock = clock or SystemClock()
        if strategy == "react" and model is None:
            raise UsageError("the react strategy needs a chat model: pass model= or --model")
        runtime = Runtime(
            toolset=self.toolset,
            executor=ToolExecutor(self.toolset, ledger=ledger, clock=clock),
            planner=self._planner(),
            responder=self._responder(),
            response_model=spec.response_model,
            instructions=spec.instructions,
            guardrails=(*spec.policy(self.toolset), *guardrails),
            allowed=spec.tools,
            budget=spec.budget,
            clock=clock,
            prices=dict(prices or {}),
            strategy=strategy,
            react_model=model,
        )
        self.engine = Engine(runtime, checkpointer)

    def _planner(self) -> Planner:
        if self.model is not None:
            return LLMPlanner(self.model)
        if self.spec.grammar is None:
            raise UsageError(f"agent {self.spec.name!r} has no offline grammar: pass a model")
        return RulePlanner(self.spec.grammar)

    def _responder(self) -> Responder:
        if self.model is not None:
            return LLMResponder(self.model, instructions=self.spec.instructions)
        if self.spec.offline_answer is None:
            raise UsageError(f"agent {self.spec.name!r} has no offline answer: pass a model")
        return FunctionResponder(self.spec.offline_answer)

    @property
    def name(self) -> str:
        """The agent's name."""
        return self.spec.name

    async def run(self, request: str, *, thread_id: str | None = None) -> RunResult:
        """Run ``request`` until it answers, fails or pauses for approval."""
        return await self.engine.run(request, thread_id=thread_id)

    def run_sync(self, request: str, *, thread_id: str | None = None) -> RunResult:
        """``run`` for code without an event loop."""
        return asyncio.run(self.run(request, thread_id=thread_id))

    def stream(self, request: str, *, thread_id: str | None = None) -> AsyncIterator[Event]:
        """Run ``request``, yielding the typed events as they happen."""
        return self.engine.stream(request, thread_id=thread_id)

    async def resume(self, thread_id: str, decisions: Mapping[str, Any]) -> RunResult:
        """Continue a paused run with a decision per pending approval id."""
        return await self.engine.resume(thread_id, decisions)

    def stream_resume(self, thread_id: str, decisions: Mapping[str, Any]) -> AsyncIterator[Event]:
        """``resume``, yielding events."""
        return self.engine.stream_resume(thread_id, decisions)

    async def pending_approvals(self, thread_id: str) -> list[dict[str, Any]]:
        """What a paused run waits for."""
        return await self.engine.pending_approvals(thread_id)

    async def result(self, thread_id: str) -> RunResult:
        """Where a run stands."""
        return await self.engine.result(thread_id)

    def mermaid(self) -> str:
        """The agent's graph as a Mermaid diagram."""
        return self.engine.mermaid()
