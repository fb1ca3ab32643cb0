"""A small shop agent for the queue and worker tests, over a PostgreSQL checkpointer.

``ShopEngines`` builds the engine a worker runs for the agent reference ``shop``: a fixed plan
that orders tea (a write, through the idempotency ledger) and then reads the price of what was
ordered. ``Shop.hold`` makes that read wait until the test lets it go, so a test can stop a
worker in the middle of a run, after the write.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

from plangate.graphs.engine.build import Engine
from plangate.graphs.guards.policy import ApproveWrites
from plangate.tools.clock import FakeClock
from plangate.tools.errors import UsageError
from plangate.tools.executor import ToolExecutor
from plangate.tools.ledger import MemoryLedger
from plangate.tools.registry import Toolset
from tests.graphs.engine.test_engine import ScriptedPlanner, Shop, get_price, place_order
from tests.graphs.engine.test_engine_strategies import runtime

PLAN = {
    "steps": [
        {"id": "a", "tool": "place_order", "args": {"item": "tea"}},
        {"id": "b", "tool": "get_price", "args": {"item": "${a.item}"}},
    ]
}


AGENTS = {"shop": "orders tea", "gated": "orders tea once a person approves"}
"""The agents the worker knows, as ``QueuedRuns`` lists them."""


class HeldShop(Shop):
    """A shop whose price reads can be held: ``reached`` is set, then it waits for ``go``."""

    def __init__(self) -> None:
        super().__init__()
        self.hold = False
        self.reached = asyncio.Event()
        self.go = asyncio.Event()

    async def price(self, item: str) -> int:
        if self.hold:
            self.reached.set()
            await self.go.wait()
        return await super().price(item)


class ShopEngines:
    """The engine factory of a worker: it knows ``shop``, and ``gated`` whose writes wait
    for approval.

    One shop and one ledger stand for the backend and the store's ledger that every worker
    shares; each call builds a new engine, as a worker does for each job.
    """

    def __init__(self, saver: AsyncPostgresSaver) -> None:
        self.saver = saver
        self.shop = HeldShop()
        self.ledger = MemoryLedger()
        self.built = 0

    def __call__(self, agent: str) -> Engine:
        if agent not in AGENTS:
            raise UsageError(f"no agent {agent!r}")
        self.built += 1
        toolset = Toolset([get_price, place_order], deps=self.shop)
        executor = ToolExecutor(toolset, ledger=self.ledger, clock=FakeClock())
        planner = ScriptedPlanner(PLAN)
        guardrails = [ApproveWrites()] if agent == "gated" else []
        parts = runtime(self.shop, planner=planner, executor=executor, guardrails=guardrails)
        return Engine(parts, self.saver)

    def orders(self) -> int:
        """How many orders reached the shop (each write once: 1 per run)."""
        return len(self.shop.orders)


@asynccontextmanager
async def postgres_saver(url: str) -> AsyncIterator[AsyncPostgresSaver]:
    """LangGraph's PostgreSQL checkpointer on ``url``, its tables created."""
    async with AsyncPostgresSaver.from_conn_string(url) as saver:
        await saver.setup()
        yield saver


def kinds(events: list[Any]) -> list[str]:
    """The ``kind`` of each stored event."""
    return [event.event["kind"] for event in events]


async def queued_jobs(url: str, thread_id: str) -> list[str]:
    """The statuses of the procrastinate jobs the thread has in the database, finished or not."""
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        cursor = await conn.execute(
            "SELECT status::text FROM procrastinate_jobs WHERE lock = %s ORDER BY id", (thread_id,)
        )
        return [str(row[0]) for row in await cursor.fetchall()]
