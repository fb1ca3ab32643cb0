"""LLMPlanner: the prompt, structured output, repair with feedback, unparsable answers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from langchain_core.messages import AIMessage
from pydantic import BaseModel

from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.engine.planner import (
    LLMPlanner,
    PlanningContext,
    PlanningError,
    parse_json_object,
    summarize,
    with_max_tokens,
)
from plangate.graphs.engine.validation import PlanIssue, validate_plan
from plangate.graphs.offline.scripted import ScriptedChatModel, plan_message, tool_call_message
from plangate.tools.base import tool
from plangate.tools.errors import PlangateError, UsageError
from plangate.tools.registry import Toolset


class Flight(BaseModel):
    id: str
    price: int


@tool(effect="read")
def search_flights(origin: str, destination: str, day: date) -> list[Flight]:
    """Find flights between two airports on a day."""
    return []


@tool(effect="write")
def book_flight(flight_id: str, passengers: int) -> str:
    """Book a flight for the passengers."""
    return "booked"


TOOLS = [search_flights, book_flight]
GOOD = Plan(
    steps=[
        Step(
            id="s1",
            tool="search_flights",
            args={"origin": "LIS", "destination": "OPO", "day": "2026-03-14"},
        ),
        Step(id="s2", tool="book_flight", args={"flight_id": "${s1[0].id}", "passengers": 2}),
    ],
    rationale="search, then book the first offer",
)
BAD = Plan(steps=[Step(id="s1", tool="fly_now", args={})])


BASE = PlanningContext(
    request="Fly me and a friend from Lisbon to Porto on 2026-03-14",
    instructions="You are a travel assistant.",
    tools=TOOLS,
    today=date(2026, 3, 9),
    timezone="Europe/Lisbon",
)


def context(**changes: Any) -> PlanningContext:
    return replace(BASE, **changes)


async def test_a_valid_plan_comes_back_parsed() -> None:
    model = ScriptedChatModel([plan_message(GOOD)])
    assert await LLMPlanner(model).plan(context()) == GOOD
    request = model.requests[0]
    assert (request.tool_names, request.tool_choice) == (["Plan"], "any")
    system, human = request.messages
    assert human.text == "Fly me and a friend from Lisbon to Porto on 2026-03-14"
    for part in (
        "You are a travel assistant.",
        "Today is 2026-03-09 (Monday), timezone Europe/Lisbon.",
        "## search_flights (read: only looks things up)",
        "Find flights between two airports on a day.",
        "## book_flight (write: changes something",
        '"passengers": {"title": "Passengers", "type": "integer"}',
        "${id.field}",
        "condition (optional)",
    ):
        assert part in system.text, part
    assert "Earlier attempt" not in system.text


async def test_invalid_plan_then_corrected_with_the_issues_fed_back() -> None:
    model = ScriptedChatModel([plan_message(BAD), plan_message(GOOD)])
    planner = LLMPlanner(model)
    first = await planner.plan(context())
    issues = validate_plan(first, Toolset(TOOLS))
    assert [issue.code for issue in issues] == ["unknown_tool"]
    assert await planner.plan(context(), issues) == GOOD
    repair = model.requests[1]
    assert repair.messages[:2] == model.requests[0].messages
    previous, problems = repair.messages[2:]
    assert isinstance(previous, AIMessage)
    assert "fly_now" in previous.text
    assert problems.text.startswith("That plan cannot run. Its problems:\n1. step s1, tool:")
    assert issues[0].message in problems.text
    assert "whole corrected plan" in problems.text


async def test_garbage_raises_planning_error_with_the_raw_output() -> None:
    model = ScriptedChatModel(["I would love to help! First, search flights."])
    with pytest.raises(PlanningError) as caught:
        await LLMPlanner(model).plan(context())
    assert isinstance(caught.value, PlangateError)
    assert caught.value.raw_output == "I would love to help! First, search flights."
    assert "holds no Plan" in str(caught.value)


async def test_tool_call_that_does_not_fit_the_plan_schema_is_a_planning_error() -> None:
    model = ScriptedChatModel([tool_call_message("Plan", {"steps": [{"id": "Step One"}]})])
    with pytest.raises(PlanningError, match="validation error") as caught:
        await LLMPlanner(model).plan(context())
    assert '"Step One"' in caught.value.raw_output


async def test_a_plan_written_as_json_text_is_accepted() -> None:
    text = f"Here is the plan:\n```json\n{GOOD.model_dump_json()}\n```"
    assert await LLMPlanner(ScriptedChatModel([text])).plan(context()) == GOOD
    broken = ScriptedChatModel(['{"steps": []}'])
    with pytest.raises(PlanningError, match="steps"):
        await LLMPlanner(broken).plan(context())


async def test_prompts_are_deterministic() -> None:
    model = ScriptedChatModel([plan_message(GOOD)] * 2)
    await LLMPlanner(model).plan(context())
    await LLMPlanner(model).plan(context())
    assert model.requests[0].messages == model.requests[1].messages
    assert model.requests[0].tools == model.requests[1].tools


async def test_replan_shows_what_succeeded_and_what_failed() -> None:
    replan = context(
        completed={"s1": [{"id": "TP123", "price": 99}]},
        failed={"s2": "sold out: no seats left on TP123"},
        previous=GOOD,
    )
    model = ScriptedChatModel([plan_message(GOOD)])
    await LLMPlanner(model).plan(replan)
    system = model.requests[0].messages[0].text
    assert replan.is_replan
    assert "# Earlier attempt" in system
    assert '- s1 (search_flights): [{"id": "TP123", "price": 99}]' in system
    assert "Do not repeat them" in system
    assert (
        '- s2: book_flight {"flight_id": "${s1[0].id}", "passengers": 2} failed: '
        "sold out: no seats left on TP123\n"
    ) in system


async def test_max_output_tokens_is_set_on_the_model() -> None:
    model = ScriptedChatModel([plan_message(GOOD)])
    planner = LLMPlanner(model, max_output_tokens=500)
    await planner.plan(context())
    assert isinstance(planner.model, ScriptedChatModel)
    assert planner.model.requests[0].kwargs["max_tokens"] == 500
    assert model.max_tokens is None  # the caller's model is left as it was
    with pytest.raises(UsageError, match="at least 1"):
        with_max_tokens(model, 0)


def test_helpers() -> None:
    assert summarize({"b": 1, "a": "x" * 400}, width=20) == '{"a": "xxxxxxxxxxxxx… (417 chars)'
    assert parse_json_object('```\n{"a": 1}\n```') == {"a": 1}
    assert parse_json_object("[1, 2]") is None
    assert parse_json_object("not json") is None


def test_issue_feedback_type_is_the_validation_issue() -> None:
    issue = PlanIssue(step_id="s1", field="tool", code="unknown_tool", message="no such tool")
    assert LLMPlanner(ScriptedChatModel([])).messages(context(), [issue], "prev")[-1].text == (
        "That plan cannot run. Its problems:\n1. no such tool\n"
        "Answer with the whole corrected plan, fixing every problem."
    )
