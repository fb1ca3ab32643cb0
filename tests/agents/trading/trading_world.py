"""A sandbox world on a fixed clock, and the trading agent running offline in it."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from plangate.agents import Agent
from plangate.agents.trading.policy import TradingLimits, trading_policy
from plangate.agents.trading.response import TradeReport
from plangate.agents.trading.spec import SPEC
from plangate.demos.scenarios.trading import NOW  # worlds start at the demo scenarios' moment
from plangate.graphs.engine.build import RunResult
from plangate.graphs.engine.references import lookup, parse_reference
from plangate.tools.clock import FakeClock
from plangate.tools.domains.backends import Backends, bind_tools, sandbox_backends
from plangate.tools.domains.broker.models import Order, OrderRequest
from plangate.tools.domains.broker.sandbox import SandboxBrokerBackend

Decision = str | Mapping[str, Any]


@dataclass
class Outcome:
    """How a request ended, with every approval it asked for on the way."""

    result: RunResult
    asked: list[dict[str, Any]] = field(default_factory=list)

    @property
    def report(self) -> TradeReport:
        assert self.result.status == "done", self.result.error
        assert isinstance(self.result.response, TradeReport)
        return self.result.response


@dataclass
class World:
    """The sandboxes and the agent, all on one fake clock."""

    clock: FakeClock
    backends: Backends
    agent: Agent

    @property
    def broker(self) -> SandboxBrokerBackend:
        broker = self.backends.broker
        assert isinstance(broker, SandboxBrokerBackend)
        return broker

    async def orders(self) -> list[Order]:
        """Every order the broker holds."""
        return (await self.broker.list_orders("all", 500, None)).orders

    async def trade(self, symbol: str, side: str, qty: int, key: str) -> Order:
        """An order placed straight at the broker (setting the scene, not through the agent)."""
        request = OrderRequest(symbol=symbol, side=side, qty=qty)  # type: ignore[arg-type]
        return await self.broker.place_order(request, idempotency_key=key)

    async def ask(self, request: str, decision: Decision = "approve") -> Outcome:
        """Run ``request``, deciding every approval with ``decision``, to its end."""
        result = await self.agent.run(request)
        asked: list[dict[str, Any]] = []
        for _ in range(4):
            if result.status != "paused":
                break
            asked.extend(result.approvals)
            decisions = {approval["id"]: decision for approval in result.approvals}
            result = await self.agent.resume(result.thread_id, decisions)
        return Outcome(result, asked)


def make_world(limits: TradingLimits | None = None, at: datetime = NOW) -> World:
    """A fresh world at ``at``; ``limits`` replace the default policy's."""
    clock = FakeClock(at)
    backends = sandbox_backends(seed=0, clock=clock)
    spec = SPEC if limits is None else dataclasses.replace(SPEC, policy=trading_policy(limits))
    return World(clock, backends, Agent(spec, bind_tools(backends), clock=clock))


def results_of(result: RunResult) -> dict[str, Any]:
    """Result JSON by step id, of the steps that finished."""
    return {sid: rec.get("result") for sid, rec in result.steps.items() if rec["status"] == "done"}


def figure_value(result: RunResult, source: str) -> Any:
    """The value a figure's ``source`` path points at in the run's results."""
    return lookup(parse_reference(source), results_of(result))
