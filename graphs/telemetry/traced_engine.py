"""``TracedEngine``: an ``Engine`` whose every run reports its spans to a ``Telemetry``.

Every way of running goes through one of the engine's four streams — ``run`` through
``stream``, ``resume`` through ``stream_resume``, ``run_plan`` through ``stream_plan``,
``recover`` through ``stream_recover`` — and so does a trace recorder wrapped around it. Each is
passed through ``Telemetry.trace``; nothing inside the graph changes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any, Literal, Protocol

from plangate.graphs.engine.build import Checkpointer, Engine
from plangate.graphs.engine.events import Event
from plangate.graphs.engine.plan import Plan
from plangate.graphs.engine.runtime import Runtime


class Tracing(Protocol):
    """What reports a run's events as spans (``plangate.graphs.telemetry.Telemetry``)."""

    def trace(
        self, engine: Engine, events: AsyncIterator[Event], *, agent: str
    ) -> AsyncIterator[Event]:
        """``events``, unchanged, reporting the run they tell."""
        ...


class TracedEngine(Engine):
    """An ``Engine`` reporting spans (build one with ``Telemetry.engine``).

    Args:
        runtime: the collaborators.
        checkpointer: as for ``Engine``.
        telemetry: where the spans go.
        agent: the agent's name, on the run spans.
    """

    def __init__(
        self,
        runtime: Runtime,
        checkpointer: Checkpointer | Literal[False] | None = None,
        *,
        telemetry: Tracing,
        agent: str = "engine",
    ) -> None:
        super().__init__(runtime, checkpointer)
        self.telemetry = telemetry
        self.agent = agent

    def _traced(self, events: AsyncIterator[Event]) -> AsyncIterator[Event]:
        return self.telemetry.trace(self, events, agent=self.agent)

    async def stream(self, request: str, *, thread_id: str | None = None) -> AsyncIterator[Event]:
        """``Engine.stream``, reported as spans."""
        async for event in self._traced(super().stream(request, thread_id=thread_id)):
            yield event

    async def stream_plan(
        self, plan: Plan, *, request: str = "", thread_id: str | None = None, replan: bool = False
    ) -> AsyncIterator[Event]:
        """``Engine.stream_plan``, reported as spans."""
        inner = super().stream_plan(plan, request=request, thread_id=thread_id, replan=replan)
        async for event in self._traced(inner):
            yield event

    async def stream_resume(
        self, thread_id: str, decisions: Mapping[str, Any]
    ) -> AsyncIterator[Event]:
        """``Engine.stream_resume``, reported as spans."""
        async for event in self._traced(super().stream_resume(thread_id, decisions)):
            yield event

    async def stream_recover(self, thread_id: str) -> AsyncIterator[Event]:
        """``Engine.stream_recover``, reported as spans."""
        async for event in self._traced(super().stream_recover(thread_id)):
            yield event
