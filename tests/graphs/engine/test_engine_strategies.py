"""Both strategies over the same tools, nodes and guardrails: plan (LLMPlanner) and react."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, ToolMessage
from langchain_core.utils.function_calling import convert_to_openai_tool

from plangate.graphs.engine.budget import Budget
from plangate.graphs.engine.build import Engine
from plangate.graphs.engine.plan import Plan, PlanLimits
from plangate.graphs.engine.planner import LLMPlanner
from plangate.graphs.engine.runtime import Runtime
from plangate.graphs.guards.policy import ApproveWrites
from plangate.graphs.offline.scripted import ScriptedChatModel, plan_message
from plangate.tools.clock import FakeClock
from plangate.tools.executor import ToolExecutor
from plangate.tools.registry import Toolset
from tests.graphs.engine.test_engine import Answer, Shop, SumResponder, get_price, place_order


def runtime(shop: Shop, **kwargs: object) -> Runtime:
    toolset = Toolset([get_price, place_order], deps=shop)
    defaults: dict[str, object] = {
        "toolset": toolset,
        "executor": ToolExecutor(toolset, clock=FakeClock()),
        "responder": SumResponder(),
        "response_model": Answer,
        "clock": FakeClock(),
    }
    defaults.update(kwargs)
    return Runtime(**defaults)  # type: ignore[arg-type]


def two_calls(*pairs: tuple[str, str]) -> AIMessage:
    return AIMessage(
        content="",
        tool_calls=[
            {"name": "get_price", "args": {"item": item}, "id": call_id} for call_id, item in pairs
        ],
    )


async def test_plan_strategy_with_a_model_planner_makes_two_model_calls() -> None:
    plan = Plan.model_validate(
        {
            "steps": [
                {"id": "a", "tool": "get_price", "args": {"item": "tea"}},
                {"id": "b", "tool": "get_price", "args": {"item": "cake"}},
            ]
        }
    )
    model = ScriptedChatModel([plan_message(plan)])
    shop = Shop()
    engine = Engine(runtime(shop, planner=LLMPlanner(model)))
    result = await engine.run("tea and cake prices")
    assert result.status == "done"
    assert result.response == Answer(summary="a=done,b=done", total=10)
    assert len(model.requests) == 1
    assert result.usage["model_calls"] == 2  # one plan, one answer
    assert "get_price" in model.requests[0].text


async def test_react_strategy_sees_results_and_errors_and_stops_by_itself() -> None:
    model = ScriptedChatModel(
        [
            two_calls(("c1", "tea"), ("c2", "bread")),
            AIMessage(
                content="",
                tool_calls=[{"name": "get_price", "args": {"item": "cake"}, "id": "c3"}],
            ),
            AIMessage(content="tea 4, cake 6"),
        ]
    )
    shop = Shop()
    engine = Engine(runtime(shop, planner=LLMPlanner(model), strategy="react", react_model=model))
    result = await engine.run("prices of tea and bread")
    assert result.status == "done"
    statuses = {sid: rec["status"] for sid, rec in result.steps.items()}
    assert statuses == {"t1_1": "done", "t1_2": "failed", "t2_1": "done"}
    second = model.requests[1]
    tool_messages = [m for m in second.messages if isinstance(m, ToolMessage)]
    assert next(m.content for m in tool_messages) == "4"
    assert "unknown item bread" in str(tool_messages[1].content)
    assert result.usage["model_calls"] == 4  # three react turns, one answer


async def test_react_calls_pass_the_same_guardrails_and_approvals() -> None:
    model = ScriptedChatModel(
        [
            AIMessage(
                content="",
                tool_calls=[{"name": "place_order", "args": {"item": "tea"}, "id": "c1"}],
            ),
            AIMessage(content="ordered"),
        ]
    )
    shop = Shop()
    engine = Engine(
        runtime(
            shop, planner=LLMPlanner(model), strategy="react", react_model=model,
            guardrails=[ApproveWrites()],
        )
    )  # fmt: skip
    paused = await engine.run("order tea", thread_id="r")
    assert paused.status == "paused"
    assert [a["id"] for a in paused.approvals] == ["t1_1"]
    done = await engine.resume("r", {"t1_1": "approve"})
    assert done.status == "done"
    assert len(shop.orders) == 1


async def test_react_turns_are_bounded_by_the_model_call_budget() -> None:
    model = ScriptedChatModel([two_calls((f"c{n}", "tea")) for n in range(10)])
    engine = Engine(
        runtime(
            Shop(), planner=LLMPlanner(model), strategy="react", react_model=model,
            budget=Budget(max_model_calls=3),
        )
    )  # fmt: skip
    result = await engine.run("loop forever")
    assert result.status == "failed"
    assert result.error is not None
    assert result.error["type"] == "BudgetExceededError"
    assert "model_calls" in result.error["message"]


async def test_tokens_and_cost_are_metered_and_bounded() -> None:
    from plangate.graphs.engine.metering import Price

    plan = Plan.model_validate(
        {"steps": [{"id": "a", "tool": "get_price", "args": {"item": "tea"}}]}
    )
    model = ScriptedChatModel([plan_message(plan)], model_name="scripted-1")
    prices = {"scripted-1": Price(input=1_000_000.0, output=1_000_000.0)}  # $1 per token
    engine = Engine(
        runtime(Shop(), planner=LLMPlanner(model), prices=prices, budget=Budget(max_cost=1e9))
    )
    result = await engine.run("tea")
    assert result.status == "done"
    assert result.usage["tokens"] > 100  # the planner's prompt carries the tool catalogue
    assert result.usage["cost"] == pytest.approx(result.usage["tokens"])

    model = ScriptedChatModel([plan_message(plan), plan_message(plan)], model_name="scripted-1")
    capped = Engine(
        runtime(Shop(), planner=LLMPlanner(model), prices=prices, budget=Budget(max_cost=10.0))
    )
    failed = await capped.run("tea")
    assert failed.status == "failed"
    assert failed.error is not None
    assert "cost budget" in failed.error["message"]


def test_the_graph_exports_a_mermaid_diagram() -> None:
    model = ScriptedChatModel([])
    diagram = Engine(runtime(Shop(), planner=LLMPlanner(model))).mermaid()
    for node in ("guard_input", "plan", "dispatch", "call_tool", "replan", "respond", "react"):
        assert node in diagram


BAD_PLANS = {
    "unknown_tool": {"steps": [{"id": "a", "tool": "get_prize", "args": {"item": "tea"}}]},
    "wrong_arg_type": {"steps": [{"id": "a", "tool": "get_price", "args": {"item": 7}}]},
    "cycle": {
        "steps": [
            {"id": "a", "tool": "get_price", "args": {"item": "tea"}, "depends_on": ["b"]},
            {"id": "b", "tool": "get_price", "args": {"item": "tea"}, "depends_on": ["a"]},
        ]
    },
    "dangling_reference": {"steps": [{"id": "a", "tool": "get_price", "args": {"item": "${z.x}"}}]},
    "over_step_limit": {
        "steps": [{"id": f"s{n}", "tool": "get_price", "args": {"item": "tea"}} for n in range(25)]
    },
}


@pytest.mark.parametrize("kind", sorted(BAD_PLANS))
async def test_bad_model_plans_are_repaired_within_the_budget(kind: str) -> None:
    from langchain_core.messages import AIMessage as Message

    from plangate.graphs.offline.scripted import tool_call_message

    name = convert_to_openai_tool(Plan)["function"]["name"]
    good = {"steps": [{"id": "a", "tool": "get_price", "args": {"item": "tea"}}]}
    invalid_json = Message(content="here is my plan: {not json")
    bad = tool_call_message(name, BAD_PLANS[kind])
    model = ScriptedChatModel([invalid_json, bad, tool_call_message(name, good)])
    result = await Engine(runtime(Shop(), planner=LLMPlanner(model))).run("tea")
    assert result.status == "done", result.error
    assert result.usage["retries"] == 2
    # the third request carries the numbered issues of the second answer
    assert "1. " in model.requests[2].text

    stubborn = ScriptedChatModel([bad, bad, bad])
    failed = await Engine(
        runtime(Shop(), planner=LLMPlanner(stubborn), budget=Budget(max_retries=2))
    ).run("tea")
    assert failed.status == "failed"
    assert failed.error is not None
    assert failed.error["type"] == "BudgetExceededError"


async def test_react_calls_waiting_beside_a_rejected_one_still_run_without_a_replan() -> None:
    """A turn wider than max_parallel: the person rejects the first write; the second still
    comes up for approval and runs, and the model, not the plan re-planner, sees both."""
    orders = AIMessage(
        content="",
        tool_calls=[
            {"name": "place_order", "args": {"item": item, "qty": 1}, "id": call_id}
            for call_id, item in (("o1", "tea"), ("o2", "cake"))
        ],
    )
    model = ScriptedChatModel([orders, AIMessage(content="ordered cake, not tea")])
    shop = Shop()
    engine = Engine(
        runtime(
            shop, planner=LLMPlanner(model), strategy="react", react_model=model,
            guardrails=[ApproveWrites()], limits=PlanLimits(max_parallel=1),
        )
    )  # fmt: skip
    paused = await engine.run("order tea and cake", thread_id="w")
    assert [a["id"] for a in paused.approvals] == ["t1_1"]
    again = await engine.resume("w", {"t1_1": "reject"})
    assert again.status == "paused"
    assert [a["id"] for a in again.approvals] == ["t1_2"]
    done = await engine.resume("w", {"t1_2": "approve"})
    assert done.status == "done"
    assert done.usage.get("replans", 0) == 0
    assert {sid: rec["status"] for sid, rec in done.steps.items()} == {
        "t1_1": "rejected",
        "t1_2": "done",
    }
    assert [order["item"] for order in shop.orders.values()] == ["cake"]
    assert len(model.requests) == 2  # one turn, then the answer: no plan was asked for
