"""A run whose provider failed and was retried, or cut an answer short, replays alike: the
recorded failure comes back as the same ``ModelError`` and the replay never waits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage

from plangate.agents import Agent
from plangate.graphs.engine.model_gate import ModelRetry
from plangate.graphs.offline.scripted import ScriptedChatModel
from plangate.graphs.traces.format import ModelResponseRecord, read_trace
from plangate.graphs.traces.replay import replay
from plangate.tools import Toolset
from plangate.tools.clock import FakeClock
from tests.graphs.engine.test_model_gate import Sleeps, status_error
from tests.traces.agents import SPEC, TOOLS, Till, planning_script


def overloaded(_messages: list[BaseMessage], _tools: tuple[dict[str, Any], ...]) -> AIMessage:
    raise status_error(503, **{"retry-after": "4"})


async def test_a_retried_provider_failure_is_recorded_and_replayed_without_waiting(
    tmp_path: Path,
) -> None:
    path = tmp_path / "retried.jsonl"
    sleeps = Sleeps()
    plan, receipt = planning_script()
    model = ScriptedChatModel([overloaded, plan, receipt])
    agent = Agent(SPEC, Toolset(TOOLS, deps=Till()), model=model, clock=FakeClock(),
                  model_retry=ModelRetry(sleep=sleeps))  # fmt: skip
    with agent.record(path):
        result = await agent.run("prices of tea and cake", thread_id="r")
    assert result.status == "done"
    assert sleeps.waits == [4.0]
    assert result.usage["model_calls"] == 3  # the failed attempt counts
    failed = read_trace(path).of_type(ModelResponseRecord)[0].error
    assert failed is not None
    assert (failed["kind"], failed["status"], failed["retry_after"]) == ("overloaded", "503", "4")
    report = await replay(path, agent)
    assert report.ok, report.diff
    assert report.model_calls == 3
    assert sleeps.waits == [4.0]  # the replay did not sleep


async def test_a_truncated_answer_is_recorded_with_its_stop_reason_and_replays(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cut.jsonl"
    plan, receipt = planning_script()
    cut = AIMessage(content="", tool_calls=plan.tool_calls[:1],
                    response_metadata={"stop_reason": "max_tokens"})  # fmt: skip
    agent = Agent(SPEC, Toolset(TOOLS, deps=Till()),
                  model=ScriptedChatModel([cut, plan, receipt]), clock=FakeClock())  # fmt: skip
    with agent.record(path):
        result = await agent.run("prices of tea and cake", thread_id="c")
    assert result.status == "done"
    assert result.usage["retries"] == 1
    first = read_trace(path).of_type(ModelResponseRecord)[0].response
    assert first is not None
    assert first["stop_reason"] == "max_tokens"
    report = await replay(path, agent)
    assert report.ok, report.diff
