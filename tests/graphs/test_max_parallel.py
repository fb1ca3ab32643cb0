"""``max_parallel``: at most that many tool calls run at once; order and results are unchanged."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from pydantic import BaseModel

from plangate.agents import Agent, AgentSpec
from plangate.graphs.engine.build import Engine
from plangate.graphs.engine.events import StepStarted
from plangate.graphs.engine.plan import Plan, PlanLimits
from plangate.graphs.engine.planner import PlanningContext
from plangate.graphs.engine.responder import FunctionResponder
from plangate.graphs.engine.runtime import Runtime
from plangate.graphs.engine.validation import PlanIssue
from plangate.tools.base import ToolContext, tool
from plangate.tools.clock import FakeClock
from plangate.tools.errors import UsageError
from plangate.tools.executor import ToolExecutor
from plangate.tools.registry import Toolset


class Meter:
    """Counts the calls in flight. Each call yields to the event loop a few times before it
    ends, so calls started in one wave are all in flight together (no sleeping)."""

    def __init__(self) -> None:
        self.active = 0
        self.peak = 0
        self.order: list[str] = []

    async def measure(self, item: str) -> int:
        self.active += 1
        self.peak = max(self.peak, self.active)
        self.order.append(item)
        for _ in range(20):
            await asyncio.sleep(0)  # a bare yield to the loop: no time passes
        self.active -= 1
        return len(item)


@tool(effect="read")
async def weigh(item: str, ctx: ToolContext[Meter]) -> int:
    """Weight of an item."""
    return await ctx.deps.measure(item)


class Weights(BaseModel):
    total: int
    by_step: dict[str, int]


def _answer(request: str, records: Mapping[str, Any]) -> Weights:
    done = {sid: rec["result"] for sid, rec in records.items() if rec["status"] == "done"}
    return Weights(total=sum(done.values()), by_step=done)


ITEMS = ("tea", "cake", "pie", "scone", "bun")
PLAN = Plan.model_validate(
    {
        "steps": [
            *(
                {"id": f"s{n}", "tool": "weigh", "args": {"item": item}}
                for n, item in enumerate(ITEMS)
            ),
            {"id": "last", "tool": "weigh", "args": {"item": "${s0}${s4}"}},
        ]
    }
)


class OnePlan:
    async def plan(self, context: PlanningContext, feedback: Sequence[PlanIssue] = ()) -> Plan:
        return PLAN


def _engine(meter: Meter, limits: PlanLimits | None = None) -> Engine:
    toolset = Toolset([weigh], deps=meter)
    runtime = Runtime(
        toolset=toolset,
        executor=ToolExecutor(toolset, clock=FakeClock()),
        planner=OnePlan(),
        responder=FunctionResponder(_answer),
        response_model=Weights,
        clock=FakeClock(),
        **({"limits": limits} if limits else {}),
    )
    return Engine(runtime)


async def _run(engine: Engine) -> tuple[Any, list[str]]:
    events = [event async for event in engine.stream("weigh all", thread_id="t")]
    started = [event.step_id for event in events if isinstance(event, StepStarted)]
    return await engine.result("t"), started


async def test_without_a_limit_the_independent_calls_overlap() -> None:
    meter = Meter()
    result, _ = await _run(_engine(meter))
    assert result.status == "done"
    assert meter.peak == len(ITEMS), "the meter must see parallel calls, or the test proves nothing"


@pytest.mark.parametrize("limit", [1, 2, 3])
async def test_at_most_max_parallel_calls_run_at_once(limit: int) -> None:
    meter, free = Meter(), Meter()
    result, started = await _run(_engine(meter, PlanLimits(max_parallel=limit)))
    unlimited, _ = await _run(_engine(free))
    assert meter.peak == limit
    assert result.status == "done"
    # The same answer, and the steps start in plan order, ``limit`` per wave.
    assert result.response == unlimited.response
    # ``last`` weighs the text "33": the weights of s0 and s4 (tea and bun) side by side.
    assert result.response.total == sum(map(len, ITEMS)) + len("33")
    assert started == ["s0", "s1", "s2", "s3", "s4", "last"]
    assert meter.order == [*ITEMS, "33"]


def _spec(**options: Any) -> AgentSpec:
    from plangate.graphs.offline.grammar import Grammar, Intent

    grammar = Grammar(
        [Intent("weigh", "weigh things", ("weigh all",), (r"weigh",), lambda m, c: PLAN)]
    )
    return AgentSpec(
        name="scales", description="Weighs things.", instructions="Weigh.", tools=("weigh",),
        response_model=Weights, grammar=grammar, offline_answer=_answer, **options,
    )  # fmt: skip


async def test_an_agent_takes_max_parallel_from_its_spec_or_its_own_option() -> None:
    meter = Meter()
    agent = Agent(_spec(max_parallel=1), Toolset([weigh], deps=meter), clock=FakeClock())
    assert agent.runtime.limits.max_parallel == 1
    result = await agent.run("weigh all")
    assert result.status == "done"
    assert meter.peak == 1
    other = Meter()
    wider = Agent(_spec(max_parallel=1), Toolset([weigh], deps=other), max_parallel=2)
    assert (await wider.run("weigh all")).status == "done"
    assert other.peak == 2


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True])
def test_a_bad_max_parallel_is_a_clear_usage_error(bad: Any) -> None:
    with pytest.raises(UsageError, match=r"agent 'scales': max_parallel must be a whole number"):
        _spec(max_parallel=bad)
    with pytest.raises(UsageError, match=r"agent 'scales': max_parallel must be a whole number"):
        Agent(_spec(), Toolset([weigh], deps=Meter()), max_parallel=bad)
    with pytest.raises(
        UsageError, match=r"PlanLimits.max_parallel must be at least 1 \(a whole number\)"
    ):
        PlanLimits(max_parallel=bad)
