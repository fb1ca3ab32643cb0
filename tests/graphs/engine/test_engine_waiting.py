"""Time spent waiting for a person is not run time: the wall-clock budget counts the work."""

from __future__ import annotations

from typing import Any

import pytest

from plangate.graphs.engine.budget import Budget
from plangate.graphs.engine.build import Engine
from plangate.graphs.engine.runtime import Runtime
from plangate.graphs.guards.policy import ApproveWrites
from plangate.tools.base import ToolContext, tool
from plangate.tools.clock import FakeClock
from plangate.tools.errors import UsageError
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


@tool(effect="read")
async def work(seconds: int, ctx: ToolContext[Any]) -> int:
    """Work for a while (on the run's clock)."""
    await ctx.clock.sleep(seconds)
    return seconds


def engine(clock: FakeClock, shop: Shop, *, after_approval: int) -> Engine:
    """Work 40 s, then a write held for approval, then ``after_approval`` s more work."""
    planner = ScriptedPlanner(
        {
            "steps": [
                step("before", "work", args={"seconds": 40}),
                step("order", "place_order", args={"item": "tea"}, depends_on=["before"]),
                step("after", "work", args={"seconds": after_approval}, depends_on=["order"]),
                step("price", "get_price", args={"item": "tea"}, depends_on=["after"]),
            ]
        }
    )
    toolset = Toolset([get_price, place_order], deps=shop).merge(Toolset([work]))
    runtime = Runtime(
        toolset=toolset, executor=ToolExecutor(toolset, clock=clock), planner=planner,
        responder=SumResponder(), response_model=Answer, guardrails=[ApproveWrites()],
        budget=Budget(max_seconds=60), clock=clock,
    )  # fmt: skip
    return Engine(runtime)


async def test_an_approval_given_hours_later_resumes_the_run() -> None:
    clock, shop = FakeClock(), Shop()
    run = engine(clock, shop, after_approval=10)
    paused = await run.run("order tea", thread_id="t")
    assert paused.status == "paused"
    clock.advance(3 * 3600)  # the person answers three hours later
    done = await run.resume("t", {"order": "approve"})
    assert done.status == "done", done.error
    assert len(shop.orders) == 1


async def test_the_work_before_and_after_the_pause_still_counts() -> None:
    clock, shop = FakeClock(), Shop()
    run = engine(clock, shop, after_approval=30)
    assert (await run.run("order tea", thread_id="t")).status == "paused"
    clock.advance(3 * 3600)
    failed = await run.resume("t", {"order": "approve"})
    assert failed.status == "failed"
    assert failed.error is not None
    assert "took 70.0s, over its 60s budget" in str(failed.error)
    assert len(shop.orders) == 1  # the approved write happened once, before the budget ran out


async def test_a_refused_decision_changes_nothing_and_the_wait_goes_on() -> None:
    clock, shop = FakeClock(), Shop()
    run = engine(clock, shop, after_approval=10)
    assert (await run.run("order tea", thread_id="t")).status == "paused"
    clock.advance(600)
    with pytest.raises(UsageError, match="order"):
        await run.resume("t", {"nope": "approve"})
    assert (await run.result("t")).status == "paused"
    clock.advance(600)
    done = await run.resume("t", {"order": "approve"})
    assert done.status == "done", done.error
