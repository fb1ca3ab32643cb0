"""The plan strategy at the model boundary: a failing provider interrupts the run, which
resumes where it stopped; a truncated plan is asked for again; a refusal is not retried."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage, BaseMessage

from plangate.graphs.engine.build import Engine
from plangate.graphs.engine.model_gate import ModelRetry
from plangate.graphs.engine.plan import Plan
from plangate.graphs.engine.planner import LLMPlanner
from plangate.graphs.offline.scripted import ScriptedChatModel, plan_message
from tests.graphs.engine.test_engine import Answer, Shop
from tests.graphs.engine.test_engine_strategies import runtime
from tests.graphs.engine.test_model_gate import Sleeps, status_error

PLAN = Plan.model_validate({"steps": [{"id": "a", "tool": "get_price", "args": {"item": "tea"}}]})


def rate_limited(_messages: list[BaseMessage], _tools: tuple[dict[str, Any], ...]) -> AIMessage:
    raise status_error(429, **{"retry-after": "2"})


def engine_for(model: ScriptedChatModel, sleeps: Sleeps) -> Engine:
    retry = ModelRetry(attempts=3, sleep=sleeps)
    return Engine(runtime(Shop(), planner=LLMPlanner(model), model_retry=retry))


async def test_a_provider_that_keeps_failing_interrupts_the_run_which_resumes() -> None:
    sleeps = Sleeps()
    model = ScriptedChatModel([rate_limited, rate_limited, rate_limited, plan_message(PLAN)])
    engine = engine_for(model, sleeps)
    kinds = [event.kind async for event in engine.stream("price of tea", thread_id="t")]
    assert kinds.count("model_retrying") == 2
    assert kinds[-1] == "run_interrupted"
    stopped = await engine.result("t")
    assert stopped.status == "interrupted"
    assert stopped.error is not None
    assert stopped.error["type"] == "ModelError"
    assert "openai rate limited (HTTP 429) after 3 attempts" in stopped.error["message"]
    assert sleeps.waits == [2.0, 2.0]
    done = await engine.recover("t")
    assert done.status == "done"
    assert done.response == Answer(summary="a=done", total=4)
    assert len(model.requests) == 4


async def test_a_plan_cut_at_the_output_limit_is_asked_for_again() -> None:
    cut = AIMessage(
        content="",
        tool_calls=[{"name": "Plan", "args": {"steps": [{"id": "a"}]}, "id": "call_1"}],
        response_metadata={"finish_reason": "length"},
    )
    model = ScriptedChatModel([cut, plan_message(PLAN)])
    result = await engine_for(model, Sleeps()).run("price of tea")
    assert result.status == "done"
    assert result.usage["retries"] == 1
    assert "cut off at the output-token limit" in model.requests[1].messages[-1].text


async def test_a_refused_plan_is_not_retried() -> None:
    refusal: Any = AIMessage(
        content="I'm sorry, I can't assist with that.",
        response_metadata={"stop_reason": "refusal"},
    )
    model = ScriptedChatModel([refusal, plan_message(PLAN)])
    result = await engine_for(model, Sleeps()).run("price of tea")
    assert result.status == "failed"
    assert result.error is not None
    assert result.error["type"] == "ModelRefusedError"
    assert "I'm sorry, I can't assist with that." in result.error["message"]
    assert len(model.requests) == 1
