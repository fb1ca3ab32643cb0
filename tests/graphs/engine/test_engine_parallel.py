"""The engine's parallelism, proven without timing: a barrier only parallel calls can pass,
and conflicting writes that never overlap."""

from __future__ import annotations

import asyncio
from typing import Any

from plangate.graphs.engine.build import Engine
from plangate.graphs.engine.events import StepFinished, StepStarted
from plangate.graphs.engine.runtime import Runtime
from plangate.tools.base import ToolContext, tool
from plangate.tools.clock import FakeClock
from plangate.tools.executor import ToolExecutor
from plangate.tools.registry import Toolset
from tests.graphs.engine.test_engine import (
    Answer,
    ScriptedPlanner,
    Shop,
    SumResponder,
    get_price,
    place_order,
    step,
)

N = 4


@tool(effect="read")
async def rendezvous(n: int, ctx: ToolContext[asyncio.Barrier]) -> int:
    """Wait until every parallel caller has arrived."""
    await ctx.deps.wait()
    return n


def make_engine(toolset: Toolset, planner: ScriptedPlanner) -> Engine:
    runtime = Runtime(
        toolset=toolset,
        executor=ToolExecutor(toolset, clock=FakeClock()),
        planner=planner,
        responder=SumResponder(),
        response_model=Answer,
        clock=FakeClock(),
    )
    return Engine(runtime)


async def test_independent_reads_all_run_at_once() -> None:
    barrier = asyncio.Barrier(N)
    planner = ScriptedPlanner(
        {"steps": [step(f"s{i}", "rendezvous", args={"n": i}) for i in range(N)]}
    )
    run = make_engine(Toolset([rendezvous], deps=barrier), planner)
    async with asyncio.timeout(5):  # run one by one, the first call would wait forever
        result = await run.run("meet")
    assert result.status == "done", result.error
    assert {sid: rec["status"] for sid, rec in result.steps.items()} == {
        f"s{i}": "done" for i in range(N)
    }
    assert result.response == Answer(
        summary=",".join(f"s{i}=done" for i in range(N)), total=sum(range(N))
    )


class TrackingShop(Shop):
    """Orders take time and record which items are being ordered at every moment."""

    def __init__(self) -> None:
        super().__init__()
        self.in_flight: list[str] = []
        self.peaks: dict[str, int] = {}
        self.peak_writes = 0

    async def order(self, item: str, qty: int, key: str) -> dict[str, Any]:
        self.in_flight.append(item)
        self.peaks[item] = max(self.peaks.get(item, 0), self.in_flight.count(item))
        self.peak_writes = max(self.peak_writes, len(self.in_flight))
        try:
            await asyncio.sleep(0.02)
            return await super().order(item, qty, key)
        finally:
            self.in_flight.remove(item)


async def test_conflicting_writes_never_overlap_but_both_complete() -> None:
    shop = TrackingShop()
    planner = ScriptedPlanner(
        {
            "steps": [
                step("a", "place_order", args={"item": "tea", "qty": 1}),
                step("b", "place_order", args={"item": "tea", "qty": 2}),
                step("c", "place_order", args={"item": "cake", "qty": 1}),
            ]
        }
    )
    run = make_engine(Toolset([get_price, place_order], deps=shop), planner)
    async with asyncio.timeout(5):
        events = [e async for e in run.stream("two teas and a cake", thread_id="w")]
    result = await run.result("w")
    assert result.status == "done", result.error
    assert sorted((o["item"], o["qty"]) for o in shop.orders.values()) == [
        ("cake", 1),
        ("tea", 1),
        ("tea", 2),
    ]
    assert shop.peaks["tea"] == 1, "two writes with the same conflict key overlapped"
    assert shop.peak_writes == 2, "the non-conflicting write did not overlap (no parallelism)"
    order = [
        (type(e).__name__, e.step_id) for e in events if isinstance(e, StepStarted | StepFinished)
    ]
    tea = [entry for entry in order if entry[1] in ("a", "b")]
    first = tea[0][1]
    assert tea[:2] == [("StepStarted", first), ("StepFinished", first)]
