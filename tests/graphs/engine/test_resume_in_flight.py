"""A resume killed after its decisions were sent: the thread is interrupted, and recovers once.

A worker can die after LangGraph saved a resume's decisions beside the paused checkpoint and
before the resumed step's checkpoint was written. Sending the decisions again then failed inside
LangGraph (two updates of ``started_at`` in one step); the thread now reads as interrupted, and
recovering applies the saved decisions once.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.memory import InMemorySaver

from plangate.graphs.engine._resumes import is_resume_in_flight
from plangate.graphs.engine.build import Engine
from plangate.graphs.guards.policy import ApproveWrites
from plangate.tools.errors import UsageError
from tests.graphs.engine.test_engine import ScriptedPlanner, Shop, engine, step

CONFIG: RunnableConfig = {"configurable": {"thread_id": "t"}}


class DyingSaver(InMemorySaver):
    """Saves as usual until ``dying``; then the next checkpoint never gets written (a kill)."""

    def __init__(self) -> None:
        super().__init__()
        self.dying = False
        self.died = asyncio.Event()

    async def aput(self, config: RunnableConfig, *args: Any, **kwargs: Any) -> RunnableConfig:
        if self.dying:
            self.died.set()
            await asyncio.Event().wait()  # the process is gone: nothing after this happens
        return await super().aput(config, *args, **kwargs)


async def test_a_resume_killed_in_flight_is_interrupted_and_recovers_with_its_decisions() -> None:
    shop, saver = Shop(), DyingSaver()
    planner = ScriptedPlanner({"steps": [step("a", "place_order", args={"item": "tea"})]})
    run = Engine(engine(planner, shop, guardrails=[ApproveWrites()]).runtime, saver)
    await run.run("order tea", thread_id="t")
    assert (await run.result("t")).status == "paused"
    assert not await is_resume_in_flight(saver, CONFIG)

    saver.dying = True
    dying = asyncio.create_task(run.resume("t", {"a": "approve"}))
    await asyncio.wait_for(saver.died.wait(), 5)
    dying.cancel()
    await asyncio.gather(dying, return_exceptions=True)
    saver.dying = False

    assert await is_resume_in_flight(saver, CONFIG)  # LangGraph's names are still ours
    stands = await run.result("t")
    assert (stands.status, stands.approvals) == ("interrupted", [])
    assert await run.pending_approvals("t") == []
    with pytest.raises(UsageError, match="is not waiting for approvals"):
        await run.resume("t", {"a": "approve"})
    done = await run.recover("t")
    assert done.status == "done", done.error
    assert list(shop.orders.values()) == [{"id": "O1", "item": "tea", "qty": 1}]
    assert not await is_resume_in_flight(saver, CONFIG)
