"""react at the model boundary: malformed calls are told to the model, truncated calls never
run, the retry count is the number of failures, and token budgets hold after each call."""

from __future__ import annotations

from langchain_core.messages import AIMessage, ToolMessage

from plangate.graphs.engine.budget import Budget
from plangate.graphs.engine.build import Engine
from plangate.graphs.engine.planner import LLMPlanner
from plangate.graphs.offline.scripted import ScriptedChatModel
from tests.graphs.engine.test_engine import Shop
from tests.graphs.engine.test_engine_strategies import runtime


def malformed(call_id: str = "c1") -> AIMessage:
    return AIMessage(
        content="",
        invalid_tool_calls=[
            {"name": "get_price", "args": '{"item": "tea"', "id": call_id, "error": None,
             "type": "invalid_tool_call"}
        ],
    )  # fmt: skip


def price_call(item: str, call_id: str = "c1", **metadata: str) -> AIMessage:
    return AIMessage(
        content="",
        tool_calls=[{"name": "get_price", "args": {"item": item}, "id": call_id}],
        response_metadata=metadata,
    )


def engine_for(model: ScriptedChatModel, shop: Shop, **kwargs: object) -> Engine:
    return Engine(
        runtime(shop, planner=LLMPlanner(model), strategy="react", react_model=model, **kwargs)
    )


async def test_a_malformed_tool_call_is_told_to_the_model_which_calls_again() -> None:
    model = ScriptedChatModel([malformed(), price_call("tea", "c2"), AIMessage(content="tea is 4")])
    result = await engine_for(model, Shop()).run("price of tea")
    assert result.status == "done"
    assert result.steps["t1_1"]["status"] == "failed"
    assert result.steps["t1_1"]["error_type"] == "ToolArgsError"
    assert result.steps["t2_1"]["status"] == "done"
    told = [m for m in model.requests[1].messages if isinstance(m, ToolMessage)]
    assert len(told) == 1
    assert "not a JSON object" in str(told[0].content)
    assert '{"item": "tea"' in str(told[0].content)
    assert result.usage["retries"] == 1


async def test_a_run_never_ends_done_without_the_call_the_model_malformed() -> None:
    # Before: the malformed call was dropped and the run answered "done" having called nothing.
    model = ScriptedChatModel([malformed()] * 4)
    result = await engine_for(model, Shop(), budget=Budget(max_retries=3)).run("price of tea")
    assert result.status == "failed"
    assert result.error is not None
    assert result.error["type"] == "BudgetExceededError"
    # four failed calls against three retries: the count is the failures, not twice them
    assert "(4 > 3)" in result.error["message"]
    assert "4 of the model's tool calls had invalid arguments" in result.error["message"]
    assert len(model.requests) == 4


async def test_a_truncated_tool_call_is_never_executed() -> None:
    shop = Shop()
    cut = price_call("te", finish_reason="length")
    model = ScriptedChatModel([cut, price_call("tea", "c2"), AIMessage(content="tea is 4")])
    result = await engine_for(model, shop).run("price of tea")
    assert result.status == "done"
    assert [rec["args"] for rec in result.steps.values()] == [{"item": "tea"}]
    assert "cut off at the output-token limit" in model.requests[1].messages[-1].text
    assert result.usage["retries"] == 1


async def test_truncation_that_persists_ends_typed_when_the_retries_are_spent() -> None:
    cut = price_call("te", stop_reason="max_tokens")
    model = ScriptedChatModel([cut] * 3)
    result = await engine_for(model, Shop(), budget=Budget(max_retries=2)).run("price of tea")
    assert result.status == "failed"
    assert result.error is not None
    assert result.error["type"] == "ModelOutputTruncatedError"
    assert result.error["kind"] == "truncated"
    assert result.steps == {}


async def test_a_run_over_its_token_budget_does_not_end_done() -> None:
    big = AIMessage(
        content="tea is 4",
        usage_metadata={"input_tokens": 300, "output_tokens": 80, "total_tokens": 380},
        response_metadata={"model_name": "gpt-4o-2024-08-06", "finish_reason": "stop"},
    )
    model = ScriptedChatModel([big])
    result = await engine_for(model, Shop(), budget=Budget(max_tokens=300)).run("price of tea")
    assert result.status == "failed"
    assert result.error is not None
    assert "went over its tokens budget (380 > 300)" in result.error["message"]


async def test_a_refusal_ends_the_run_with_the_models_words() -> None:
    refusal = AIMessage(content="", additional_kwargs={"refusal": "I can't help with that."})
    model = ScriptedChatModel([refusal, AIMessage(content="unused")])
    result = await engine_for(model, Shop()).run("price of tea")
    assert result.status == "failed"
    assert result.error is not None
    assert result.error["type"] == "ModelRefusedError"
    assert "I can't help with that." in result.error["message"]
    assert len(model.requests) == 1
