"""JSON-schema tools through the engine: omitted optional arguments stay absent, and reads
declared by MCP hints run in one wave (proven with a barrier only parallel calls can pass)."""

from __future__ import annotations

import asyncio
from typing import Any

from plangate.graphs.engine.build import Engine
from plangate.graphs.engine.events import StepFinished, StepStarted
from plangate.graphs.engine.runtime import Runtime
from plangate.tools.clock import FakeClock
from plangate.tools.executor import ToolExecutor
from plangate.tools.registry import Toolset
from plangate.tools.schema_tool import SchemaTool, tool_from_json_schema
from tests.graphs.engine.test_engine import Answer, ScriptedPlanner, SumResponder, step

FORECAST: dict[str, Any] = {
    "type": "dict",
    "properties": {
        "city": {"type": "string"},
        "days": {"type": "integer", "optional": True},
        "unit": {"type": "string", "enum": ["C", "F"], "default": "C"},
        "where": {
            "type": "dict",
            "properties": {"lat": {"type": "float"}, "lon": {"type": "float", "optional": True}},
            "required": ["lat"],
        },
    },
    "required": ["city"],
}
N = 7


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


def forecast(seen: list[dict[str, Any]], **options: Any) -> SchemaTool:
    async def run(args: dict[str, Any], ctx: Any) -> int:
        seen.append(args)
        if ctx.deps is not None:
            await ctx.deps.wait()
        return 1

    return tool_from_json_schema(
        name="weather.forecast", description="Forecast.", parameters=FORECAST, fn=run,
        result_type=int, **options,
    )  # fmt: skip


async def test_omitted_optional_arguments_reach_the_tool_absent_not_null() -> None:
    seen: list[dict[str, Any]] = []
    item = forecast(seen, read_only_hint=True)
    planner = ScriptedPlanner(
        {
            "steps": [
                step("a", item.name, args={"city": "Oslo", "where": {"lat": 59.9}}),
                step("b", item.name, args={"city": "Lima", "days": None, "unit": "F"}),
            ]
        }
    )
    result = await make_engine(Toolset([item]), planner).run("weather")
    assert result.status == "done", result.error
    assert sorted(seen, key=lambda args: args["city"]) == [
        {"city": "Lima", "unit": "F"},
        {"city": "Oslo", "unit": "C", "where": {"lat": 59.9}},
    ]


async def test_independent_reads_of_a_schema_tool_run_in_one_wave() -> None:
    seen: list[dict[str, Any]] = []
    item = forecast(seen, annotations={"readOnlyHint": True})
    planner = ScriptedPlanner(
        {"steps": [step(f"s{i}", item.name, args={"city": f"c{i}"}) for i in range(N)]}
    )
    run = make_engine(Toolset([item], deps=asyncio.Barrier(N)), planner)
    async with asyncio.timeout(5):  # one by one, the first call would wait at the barrier forever
        events = [e async for e in run.stream("seven forecasts", thread_id="w")]
    result = await run.result("w")
    assert result.status == "done", result.error
    assert len(seen) == N
    kinds = [type(e).__name__ for e in events if isinstance(e, StepStarted | StepFinished)]
    assert kinds == ["StepStarted"] * N + ["StepFinished"] * N


async def test_without_hints_a_schema_tool_is_a_write_and_its_calls_run_one_by_one() -> None:
    seen: list[dict[str, Any]] = []
    item = forecast(seen)
    assert item.effect == "write"
    planner = ScriptedPlanner(
        {"steps": [step(f"s{i}", item.name, args={"city": f"c{i}"}) for i in range(3)]}
    )
    run = make_engine(Toolset([item]), planner)
    events = [e async for e in run.stream("three forecasts", thread_id="w")]
    result = await run.result("w")
    assert result.status == "done", result.error
    kinds = [type(e).__name__ for e in events if isinstance(e, StepStarted | StepFinished)]
    assert kinds == ["StepStarted", "StepFinished"] * 3
