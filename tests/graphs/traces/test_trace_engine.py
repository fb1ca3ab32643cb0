"""Recording and replaying at the engine level (no ``agents``), sync calls, failed model calls."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import HumanMessage

from plangate.agents import Agent
from plangate.graphs.engine.build import Engine
from plangate.graphs.engine.planner import LLMPlanner
from plangate.graphs.engine.responder import FunctionResponder
from plangate.graphs.engine.runtime import Runtime
from plangate.graphs.offline.scripted import ScriptedChatModel, ScriptExhaustedError
from plangate.graphs.traces.format import ModelResponseRecord, read_trace
from plangate.graphs.traces.recording import Recorder
from plangate.graphs.traces.replay import ReplayChatModel, RunParts, replay
from plangate.graphs.traces.replay_parts import NO_BACKEND
from plangate.tools import Toolset
from plangate.tools.clock import FakeClock
from plangate.tools.errors import UsageError
from plangate.tools.executor import ToolExecutor
from tests.traces.agents import SPEC, TOOLS, Receipt, Till, answer, planning_script


def shop_engine(model: Any, toolset: Toolset, executor: ToolExecutor, clock: Any) -> Engine:
    runtime = Runtime(
        toolset=toolset, executor=executor, planner=LLMPlanner(model),
        responder=FunctionResponder(answer), response_model=Receipt,
        instructions="Quote prices.", clock=clock,
    )  # fmt: skip
    return Engine(runtime)


async def test_an_engine_records_through_the_recorder_and_replays_from_a_factory(
    tmp_path: Path,
) -> None:
    path = tmp_path / "engine.jsonl"
    toolset = Toolset(TOOLS, deps=Till())
    with Recorder(path, agent="shop-engine") as recorder:
        model = recorder.model(ScriptedChatModel(planning_script()[:1]))
        engine = shop_engine(model, toolset, recorder.executor(ToolExecutor(toolset)), FakeClock())
        result = await recorder.run(engine, "tea and cake", thread_id="e")
    assert result.status == "done"
    assert read_trace(path).header.agent == "shop-engine"

    def factory(parts: RunParts) -> Engine:
        tools = Toolset(TOOLS, deps=parts.deps)
        return shop_engine(parts.model, tools, parts.executor(tools), parts.clock)

    report = await replay(path, factory)
    assert report.ok, report.diff
    assert (report.runs, report.model_calls, report.tool_calls) == (1, 1, 2)
    assert report.results[0].response == result.response


async def test_sync_model_calls_are_recorded_and_replayed(tmp_path: Path) -> None:
    recorder = Recorder(None, agent="sync")
    model = recorder.model(ScriptedChatModel(["hello there"]))
    toolset = Toolset(TOOLS)
    recorder.describe(shop_engine(model, toolset, ToolExecutor(toolset), FakeClock()).runtime)
    assert model.invoke([HumanMessage("hi")]).content == "hello there"
    trace = recorder.trace
    assert trace.of_type(ModelResponseRecord)[0].response == {
        "content": "hello there", "tool_calls": [], "model_name": "scripted", "finish_reason": "stop",
        "usage": {"input_tokens": 1, "output_tokens": 3, "total_tokens": 4},
    }  # fmt: skip
    from plangate.graphs.traces._session import ReplaySession

    replayed = ReplayChatModel(ReplaySession(trace))
    assert replayed.invoke([HumanMessage("hi")]).content == "hello there"


async def test_a_failed_model_call_is_recorded_and_fails_the_replay_alike(tmp_path: Path) -> None:
    path = tmp_path / "crash.jsonl"
    agent = Agent(SPEC, Toolset(TOOLS, deps=Till()), model=ScriptedChatModel([]), clock=FakeClock())
    with agent.record(path), pytest.raises(ScriptExhaustedError):
        await agent.run("prices of tea", thread_id="c")
    error = read_trace(path).of_type(ModelResponseRecord)[0].error
    assert error is not None
    assert error["type"] == "ScriptExhaustedError"
    report = await replay(path, agent)
    assert report.ok, report.diff
    assert (report.runs, report.results) == (1, ())


async def test_an_agent_built_with_a_recorder_records_every_run(tmp_path: Path) -> None:
    path = tmp_path / "ctor.jsonl"
    with Recorder(path, agent="ignored") as recorder:
        agent = Agent(SPEC, Toolset(TOOLS, deps=Till()), clock=FakeClock(), recorder=recorder)
        events = [event.kind async for event in agent.stream("prices of pie", thread_id="a")]
    assert events[0] == "run_started"
    assert events[-1] == "final"
    trace = read_trace(path)
    assert trace.header.agent == "shop"
    assert [r.type for r in trace.records][-1] == "outcome"


@pytest.mark.parametrize("append", [False, True], ids=["new", "appended"])
async def test_a_trace_file_is_readable_by_its_owner_only(tmp_path: Path, append: bool) -> None:
    path = tmp_path / "private.jsonl"
    if append:  # a trace that exists, made readable by all, is tightened when written again
        agent = Agent(SPEC, Toolset(TOOLS, deps=Till()), clock=FakeClock())
        with agent.record(path):
            await agent.run("prices of pie", thread_id="a")
        path.chmod(0o644)
    agent = Agent(SPEC, Toolset(TOOLS, deps=Till()), clock=FakeClock())
    with agent.record(path, append=append):
        await agent.run("prices of pie", thread_id="b")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert {r.thread_id for r in read_trace(path).records if r.type == "run"} == (
        {"a", "b"} if append else {"b"}
    )


def test_no_backend_says_what_a_replay_cannot_do() -> None:
    with pytest.raises(UsageError, match="a replay has no backends"):
        _ = NO_BACKEND.prices
