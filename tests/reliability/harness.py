"""Running demo agents under seeded faults, approving everything, and auditing the sandbox."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from plangate.agents import Agent
from plangate.agents.catalog import agent_spec
from plangate.graphs.engine.build import RunResult
from plangate.tools.clock import FakeClock
from plangate.tools.domains.backends import Backends, bind_tools, sandbox_backends
from plangate.tools.faults import FaultPlan

# A Monday, 10:00 in New York: the market is open, and "tomorrow" is a weekday.
NOW = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
WRITES = {"book_table", "book_flight", "create_event", "place_order"}
ENDINGS = {"done", "failed", "blocked"}


@dataclass
class Trial:
    """One run and the world it ran in."""

    result: RunResult
    backends: Backends
    records: list[dict[str, Any]]


async def run_trial(agent_name: str, request: str, seed: int, fault_rate: float) -> Trial:
    """Run ``request`` with faults seeded by ``seed``, approving every pause (at most 10)."""
    clock = FakeClock(NOW)
    plan = FaultPlan.uniform(fault_rate, seed=seed) if fault_rate else None
    backends = sandbox_backends(seed=0, clock=clock, faults=plan)
    agent = Agent(agent_spec(agent_name), bind_tools(backends), clock=clock)
    thread = f"{agent_name}-{seed}"
    result = await agent.run(request, thread_id=thread)
    for _ in range(10):
        if result.status != "paused":
            break
        result = await agent.resume(thread, {a["id"]: "approve" for a in result.approvals})
    state = await agent.engine.graph.aget_state({"configurable": {"thread_id": thread}})
    records = [*state.values.get("history", []), *state.values.get("steps", {}).values()]
    return Trial(result=result, backends=backends, records=records)


def audit(trial: Trial) -> list[str]:
    """Everything wrong with the world after a trial: invariants, duplicates, lost writes."""
    problems = [f"{name}: {issue}" for name, backend in trial.backends for issue in _audit(backend)]
    if trial.result.status not in ENDINGS:
        problems.append(f"run ended {trial.result.status!r}")
    confirmed = _confirmed_by_key(trial.backends)
    for key, count in Counter(k for k, _ in confirmed).items():
        if count > 1:
            problems.append(f"write {key} happened {count} times")
    existing = {ident for _, ident in confirmed}
    for record in trial.records:
        if record.get("tool") in WRITES and record.get("status") == "done":
            ident = _written_id(record.get("result"))
            if ident is not None and ident not in existing:
                problems.append(f"step {record['step_id']} reported {ident}, which does not exist")
    return problems


def _audit(backend: Any) -> list[str]:
    check = getattr(backend, "audit", None)
    return list(check()) if check is not None else []


def _confirmed_by_key(backends: Backends) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    restaurants: Any = backends.restaurants
    flights: Any = backends.flights
    broker: Any = backends.broker
    for reservation in restaurants.reservations():
        out.append((reservation.idempotency_key, reservation.id))
    for booking in flights.bookings():
        out.append((booking.idempotency_key, booking.id))
    for order in broker.orders.orders():  # the sandbox broker's blotter
        out.append((order.client_order_id, order.id))
    return out


def _written_id(result: Any) -> str | None:
    if isinstance(result, dict):
        ident = result.get("id")
        return str(ident) if ident is not None else None
    return None
