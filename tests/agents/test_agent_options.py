"""Agent options that reach the engine: no checkpointer, re-plan limits."""

from __future__ import annotations

import pytest

from plangate.agents import Agent
from plangate.graphs.engine import ReplanLimits
from plangate.graphs.engine.planner import LLMPlanner
from plangate.graphs.offline.scripted import ScriptedChatModel
from plangate.tools import Toolset
from plangate.tools.errors import UsageError
from tests.agents.test_agent_core import SPEC, Forecast, weather


async def test_an_agent_without_a_checkpointer_runs_and_records_but_cannot_resume() -> None:
    agent = Agent(SPEC, Toolset([weather]), checkpointer=False)
    assert agent.engine.persistent is False
    result = await agent.run("what's the weather in Porto?", thread_id="p")
    assert result.status == "done"
    assert result.response == Forecast(summary="Sunny in Porto")
    with agent.record(None) as recorder:
        recorded = await agent.run("weather in Rome", thread_id="r")
    assert recorded.response == Forecast(summary="Sunny in Rome")
    assert recorder.trace.records  # recorded with no checkpointer either
    with pytest.raises(UsageError, match="keeps no checkpoints"):
        await agent.resume("p", {"x": "approve"})


def test_replan_limits_reach_the_model_planner() -> None:
    limits = ReplanLimits(max_earlier=2)
    agent = Agent(SPEC, Toolset([weather]), model=ScriptedChatModel([]), replan_limits=limits)
    planner = agent.runtime.planner
    assert isinstance(planner, LLMPlanner)
    assert planner.replan_limits is limits
