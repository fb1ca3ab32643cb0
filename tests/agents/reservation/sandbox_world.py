"""A sandbox world on a fixed clock, and the reservation agent running offline in it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from plangate.agents import Agent
from plangate.agents.reservation.spec import SPEC
from plangate.demos.scenarios.reservation import NOW  # worlds start at the demo scenarios' moment
from plangate.graphs.engine.build import RunResult
from plangate.tools.clock import FakeClock
from plangate.tools.domains.backends import Backends, bind_tools, sandbox_backends
from plangate.tools.domains.calendar.sandbox import SandboxCalendarBackend
from plangate.tools.domains.flights.sandbox import SandboxFlightBackend
from plangate.tools.domains.restaurants.sandbox import SandboxRestaurantBackend
from plangate.tools.registry import Toolset


@dataclass
class World:
    """The sandboxes, the tools bound to them, and the agent, all on one fake clock."""

    clock: FakeClock
    backends: Backends
    toolset: Toolset
    agent: Agent

    @property
    def restaurants(self) -> SandboxRestaurantBackend:
        backend = self.backends.restaurants
        assert isinstance(backend, SandboxRestaurantBackend)
        return backend

    @property
    def flights(self) -> SandboxFlightBackend:
        backend = self.backends.flights
        assert isinstance(backend, SandboxFlightBackend)
        return backend

    @property
    def calendar(self) -> SandboxCalendarBackend:
        backend = self.backends.calendar
        assert isinstance(backend, SandboxCalendarBackend)
        return backend

    async def approve_all(
        self, result: RunResult, decide: Mapping[str, Any] | None = None, limit: int = 6
    ) -> tuple[RunResult, list[list[dict[str, Any]]]]:
        """Resume ``result`` until it ends, approving every pending approval.

        Returns the final result and the approvals of each pause, in order. ``decide`` gives
        another decision for a step id (reject, edit) in place of approve.
        """
        pauses: list[list[dict[str, Any]]] = []
        while result.status == "paused":
            assert len(pauses) < limit, f"still paused after {limit} approvals"
            pauses.append(result.approvals)
            decisions = {a["id"]: (decide or {}).get(a["id"], "approve") for a in result.approvals}
            result = await self.agent.resume(result.thread_id, decisions)
        return result, pauses


def make_world() -> World:
    """A fresh world: seed 0, every backend and the agent on one ``FakeClock`` at ``NOW``."""
    clock = FakeClock(NOW)
    backends = sandbox_backends(seed=0, clock=clock)
    toolset = bind_tools(backends)
    return World(clock, backends, toolset, Agent(SPEC, toolset, clock=clock))
