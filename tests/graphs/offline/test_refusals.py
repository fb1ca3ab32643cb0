"""Refusals, generically: numbers with no place, actions no tool offers, a model that refuses.

A small bakery agent stands in for any agent: it can order bread (one write) and show prices.
"""

from __future__ import annotations

import re

import pytest
from langchain_core.messages import AIMessage

from plangate.agents import Agent, AgentSpec
from plangate.demos.cli.runner import exit_code
from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.engine.planner import (
    LLMPlanner,
    PlanningContext,
    PlanningError,
    RequestRefusedError,
)
from plangate.graphs.offline.grammar import Grammar, Intent
from plangate.graphs.offline.numbers import DATES, TIMES, find_numbers, pattern_group, unplaced
from plangate.graphs.offline.rule_planner import RulePlanner
from plangate.graphs.offline.scope import Action, Scope, Unsupported
from plangate.graphs.offline.scripted import ScriptedChatModel, plan_message, tool_call_message
from plangate.tools import Toolset, tool


@tool(effect="read")
def price(item: str) -> int:
    """The price of an item, in euros."""
    return 3


ORDER = Plan(steps=[Step(id="o", tool="price", args={"item": "bread"})])
SCOPE = Scope(
    [
        Action(("order", "buy"), things=("bread", "loaf", "loaves", "cake"), write=True),
        Action(("show", "tell"), things=("price", "menu")),
    ],
    can="order bread or cake and show prices",
    unsupported=[Unsupported(r"\bgluten[- ]free\b", "I bake with wheat only")],
)
GRAMMAR = Grammar(
    [
        Intent(
            name="prices",
            description="Show prices",
            examples=("show the price of bread",),
            patterns=(r"\bprices?\b",),
            build=lambda match, context: ORDER,
            numbers=(),
            actions=0,
        ),
        Intent(
            name="order",
            description="Order loaves of bread for a day",
            examples=("order 2 loaves of bread tomorrow",),
            patterns=(r"\b(?:order|buy)\b",),
            build=lambda match, context: ORDER,
            numbers=(DATES, pattern_group(r"\b(\d+|two|three)\s+(?:loaves|loaf|cakes?)\b")),
            reads="how many loaves and a day",
        ),
    ],
    scope=SCOPE,
)


async def plan(request: str) -> Plan:
    return await RulePlanner(GRAMMAR).plan(PlanningContext(request=request))


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("Book 30 tables at 8pm", ["30", "8"]),
        ("Transfer $5,000 now", ["5,000"]),
        ("cancel rsv-000001 and K7Q2ZD, order ord-20260302-7", []),
        ("a table for -3 on 2026-03-14", ["-3", "2026"]),
        ("twelve people at Four Seasons", ["twelve"]),
        ("a dozen at 1.5k", ["dozen", "1.5"]),
    ],
)
def test_numbers_are_found_as_written_but_not_inside_ids(text: str, numbers: list[str]) -> None:
    assert [number.text for number in find_numbers(text)] == numbers


def test_dates_and_times_place_only_numbers_that_make_a_real_date_or_time() -> None:
    assert unplaced("on March 3 at 7:30pm", [DATES, TIMES]) == []
    left = unplaced("on February 30 at 25", [DATES, TIMES])
    assert [(n.text, n.phrase) for n in left] == [("30", "February 30 at"), ("25", "at 25")]


@pytest.mark.parametrize(
    ("request_text", "said"),
    [
        ("Transfer 5 euros to the baker", "I have no way to transfer 5 euros to the baker"),
        ("could you please email the baker", "I have no way to email the baker"),
        ("I'd like to rent a van", "I have no way to rent a van"),
        ("order a pizza", "I have no way to order a pizza"),
        ("order 2 loaves of bread and a taxi", "I have no way to order a taxi"),
        ("buy every cake", 'I buy one thing per request, named exactly, not "every cake"'),
        ("order gluten-free bread", "I bake with wheat only"),
        ("order 30 cakes at 8", 'no use for "8" (in "at 8") when I order loaves of bread'),
        ("order 2 loaves for 5 people", 'no use for "5" (in "for 5 people")'),
        ("order bread and buy cake", 'one of these at a time ("order bread", "buy cake")'),
        ("show the price of bread and order a cake", "which changes nothing"),
    ],
)
async def test_the_rule_planner_refuses_what_the_agent_cannot_do(
    request_text: str, said: str
) -> None:
    with pytest.raises(RequestRefusedError) as refused:
        await plan(request_text)
    assert (
        str(refused.value)
        == f"I can't do that: {refused.value.reason}. I can order bread or cake and show prices."
    )
    assert said in refused.value.reason
    assert refused.value.request == request_text


@pytest.mark.parametrize(
    "request_text",
    [
        "order 2 loaves of bread tomorrow",
        "Could you please buy three cakes on March 3?",
        "I want to order bread",
        "order history prices",  # "order" followed by a noun is no verb
        "show me the prices",
        "what are your prices",
    ],
)
async def test_what_the_agent_can_do_still_plans(request_text: str) -> None:
    assert await plan(request_text) == ORDER


def test_a_scope_reads_clauses_verbs_and_heads() -> None:
    reading = SCOPE.read("Please order two loaves, and then show me the menu")
    assert [(c.verb, c.head) for c in reading.clauses] == [("order", "loaves"), ("show", "menu")]
    assert reading.writes == ["order two loaves"]
    assert reading.refusal is None


def test_a_grammar_without_scope_or_numbers_refuses_nothing() -> None:
    bare = Grammar([Intent("order", "Order bread", (), (r"order",), lambda m, c: ORDER)])
    assert bare.scope is None
    bare.refuse_asked("transfer $5000 and order 30 cakes")  # raises nothing


SPEC = AgentSpec(
    name="bakery",
    description="Sells bread",
    instructions="Quote prices.",
    tools=("price",),
    response_model=Plan,
    grammar=GRAMMAR,
)


def refusal_message(reason: str) -> AIMessage:
    return tool_call_message("Plan", {"steps": [], "rationale": "", "refusal": reason})


async def test_a_model_may_refuse_and_the_run_ends_with_the_refusal_exit_2() -> None:
    model = ScriptedChatModel([refusal_message("There is no tool to transfer money.")])
    result = await Agent(SPEC, Toolset([price]), model=model).run("transfer $5000 to my bank")
    assert result.status == "failed"
    assert result.error is not None
    assert result.error["type"] == "RequestRefusedError"
    assert result.error["message"] == "I can't do that: There is no tool to transfer money."
    assert result.steps == {}
    assert exit_code(result) == 2
    assert len(model.requests) == 1  # a refusal is not retried
    assert "refusal" in model.requests[0].text  # the prompt tells the model it may refuse
    schema = model.requests[0].tools[0]["function"]
    assert schema["name"] == "Plan"
    assert "refusal" in schema["parameters"]["properties"]


async def test_a_refusal_wins_over_steps_given_with_it() -> None:
    answer = tool_call_message(
        "Plan", {**ORDER.model_dump(mode="json"), "refusal": "I cannot wire money"}
    )
    planner = LLMPlanner(ScriptedChatModel([answer]))
    with pytest.raises(
        RequestRefusedError, match=re.escape("I can't do that: I cannot wire money.")
    ):
        await planner.plan(PlanningContext(request="wire money", tools=[price]))


async def test_a_refusal_in_json_text_is_a_refusal_and_an_empty_plan_is_repaired() -> None:
    text = AIMessage('```json\n{"steps": [], "refusal": "No tool rents cars."}\n```')
    planner = LLMPlanner(ScriptedChatModel([text]))
    with pytest.raises(RequestRefusedError, match="No tool rents cars"):
        await planner.plan(PlanningContext(request="rent a car"))
    empty = LLMPlanner(ScriptedChatModel([tool_call_message("Plan", {"steps": []})]))
    with pytest.raises(PlanningError, match="no steps"):
        await empty.plan(PlanningContext(request="rent a car"))


async def test_a_plain_plan_from_the_model_still_reads_as_before() -> None:
    planner = LLMPlanner(ScriptedChatModel([plan_message(ORDER)]))
    assert await planner.plan(PlanningContext(request="bread", tools=[price])) == ORDER
