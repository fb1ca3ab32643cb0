"""A model request is written with what it repeats of an earlier one left out (format 2): a
react trace's bytes per step stay flat, reading restores whole requests, replay still matches."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessage

from plangate.graphs.engine.budget import Budget
from plangate.graphs.engine.build import Engine
from plangate.graphs.engine.planner import LLMPlanner
from plangate.graphs.engine.responder import FunctionResponder
from plangate.graphs.engine.runtime import Runtime
from plangate.graphs.offline.scripted import ScriptedChatModel
from plangate.graphs.traces.format import ModelRequestRecord, TraceFormatError, read_trace
from plangate.graphs.traces.recording import Recorder
from plangate.graphs.traces.replay import RunParts, replay
from plangate.tools import Toolset
from plangate.tools.clock import FakeClock
from plangate.tools.executor import ToolExecutor
from tests.traces.agents import TOOLS, Receipt, Till, answer

ROOMY = Budget(max_steps=500, max_tool_calls=500, max_model_calls=500)


def turns(count: int) -> list[AIMessage]:
    """A react model asking the price of one item per turn, then answering."""
    calls = [
        AIMessage("", tool_calls=[{"name": "get_price", "args": {"item": "tea"}, "id": f"c{n}"}])
        for n in range(count)
    ]
    return [*calls, AIMessage("All priced.")]


def react_engine(model: Any, toolset: Toolset, executor: ToolExecutor, clock: Any) -> Engine:
    runtime = Runtime(
        toolset=toolset, executor=executor, planner=LLMPlanner(model),
        responder=FunctionResponder(answer), response_model=Receipt, clock=clock,
        strategy="react", react_model=model, budget=ROOMY,
    )  # fmt: skip
    return Engine(runtime)


async def record(path: Path, count: int) -> Path:
    toolset = Toolset(TOOLS, deps=Till())
    with Recorder(path, agent="react") as recorder:
        model = recorder.model(ScriptedChatModel(turns(count)))
        executor = recorder.executor(ToolExecutor(toolset))
        engine = react_engine(model, toolset, executor, FakeClock())
        result = await recorder.run(engine, "the price of tea, again and again", thread_id="r")
    assert result.status == "done"
    return path


def model_request_bytes(path: Path) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return sum(len(line) for line in lines if json.loads(line).get("type") == "model_request")


async def test_a_react_trace_grows_by_the_same_bytes_per_turn_at_any_length(
    tmp_path: Path,
) -> None:
    # Written whole, turn n repeated the n earlier turns: 10 → 40 turns grew 4x per turn.
    sizes = {n: model_request_bytes(await record(tmp_path / f"{n}.jsonl", n)) for n in (10, 25, 40)}
    early, late = (sizes[25] - sizes[10]) / 15, (sizes[40] - sizes[25]) / 15
    assert late <= 1.1 * early, sizes


async def test_reading_restores_whole_requests_and_the_recording_replays(tmp_path: Path) -> None:
    path = await record(tmp_path / "react.jsonl", 6)
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    written = [line for line in lines if line.get("type") == "model_request"]
    assert written[0].get("prefix") is None
    assert [w["prefix"]["call"] for w in written[1:]] == list(range(1, len(written)))
    requests = read_trace(path).of_type(ModelRequestRecord)
    counts = [len(r.request["messages"]) for r in requests]
    assert counts == [2 + 2 * n for n in range(len(requests))]  # each turn adds a call, a result
    for before, after in itertools.pairwise(requests):
        assert (
            after.request["messages"][: len(before.request["messages"])]
            == before.request["messages"]
        )

    def factory(parts: RunParts) -> Engine:
        tools = Toolset(TOOLS, deps=parts.deps)
        return react_engine(parts.model, tools, parts.executor(tools), parts.clock)

    report = await replay(path, factory)
    assert report.ok, report.diff
    assert report.model_calls == len(requests)


@pytest.mark.parametrize(
    "prefix",
    [{"call": 99, "messages": 1}, {"call": 1, "messages": 50}, {"call": 1, "messages": True}, 7],
)
async def test_a_prefix_that_names_no_earlier_request_is_refused_with_its_line(
    tmp_path: Path, prefix: object
) -> None:
    path = await record(tmp_path / "react.jsonl", 2)
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    second = [n for n, line in enumerate(lines) if line.get("type") == "model_request"][1]
    lines[second]["prefix"] = prefix
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    with pytest.raises(TraceFormatError, match=rf"line {second + 1}: .*prefix.*names no earlier"):
        read_trace(path)
