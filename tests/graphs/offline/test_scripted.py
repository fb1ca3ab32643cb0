"""ScriptedChatModel: answers in order, records requests, and behaves like a provider's model."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, ValidationError

from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.offline.scripted import (
    ScriptedChatModel,
    ScriptExhaustedError,
    plan_message,
    tool_call_message,
)
from plangate.tools.base import tool
from plangate.tools.errors import UsageError


class Weather(BaseModel):
    """The weather in a city."""

    city: str
    celsius: int


@tool(effect="read")
def forecast(city: str, days: int = 1) -> str:
    """Forecast the weather for a city."""
    return f"{city}: sunny for {days} day(s)"


class RecordingSleep:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


async def test_answers_in_order_and_records_each_request() -> None:
    model = ScriptedChatModel(["first", AIMessage("second")], model_name="fake-1")
    one = await model.ainvoke([SystemMessage("be brief"), HumanMessage("hi")])
    two = model.invoke("again")
    assert (one.text, two.text) == ("first", "second")
    assert [r.index for r in model.requests] == [0, 1]
    assert model.requests[0].messages == (SystemMessage("be brief"), HumanMessage("hi"))
    assert model.requests[1].text == "again"
    assert one.response_metadata["model_name"] == "fake-1"
    assert model.remaining == 0


def test_a_callable_response_sees_the_messages_and_bound_tools() -> None:
    seen: list[tuple[int, list[str]]] = []

    def answer(messages: list[BaseMessage], tools: tuple[dict[str, Any], ...]) -> AIMessage:
        seen.append((len(messages), [t["function"]["name"] for t in tools]))
        return tool_call_message("forecast", {"city": "Porto", "days": None})

    reply = ScriptedChatModel([answer]).bind_tools([forecast]).invoke("weather?")
    assert seen == [(1, ["forecast"])]
    assert isinstance(reply, AIMessage)
    assert reply.tool_calls[0]["args"] == {"city": "Porto", "days": None}


def test_bind_tools_records_tools_choice_and_kwargs() -> None:
    model = ScriptedChatModel(["ok"], max_tokens=50)
    model.bind_tools([forecast, Weather], tool_choice="any", temperature=0).invoke("x", stop=["!"])
    request = model.requests[0]
    assert request.tool_names == ["forecast", "Weather"]
    assert request.tool_choice == "any"
    assert request.kwargs == {"temperature": 0, "stop": ["!"], "max_tokens": 50}
    # plangate tools are exported in strict OpenAI format, like plangate.tools.schema does.
    assert request.tools[0]["function"]["strict"] is True
    assert "Weather" in request.describe()


def test_usage_metadata_is_a_deterministic_estimate() -> None:
    model = ScriptedChatModel(["abcdefgh", "abcdefgh"])
    first, second = model.invoke("x" * 40), model.invoke("x" * 40)
    assert first.usage_metadata == {"input_tokens": 10, "output_tokens": 2, "total_tokens": 12}
    assert second.usage_metadata == first.usage_metadata
    given = AIMessage(
        "hi", usage_metadata={"input_tokens": 1, "output_tokens": 1, "total_tokens": 2}
    )
    assert ScriptedChatModel([given]).invoke("long " * 50).usage_metadata == given.usage_metadata


def test_structured_output_parses_the_scripted_tool_call() -> None:
    model = ScriptedChatModel([tool_call_message("Weather", {"city": "Lisbon", "celsius": 21})])
    assert model.with_structured_output(Weather).invoke("weather?") == Weather(
        city="Lisbon", celsius=21
    )
    request = model.requests[0]
    assert (request.tool_names, request.tool_choice) == (["Weather"], "any")


def test_structured_output_fails_like_the_default_implementation() -> None:
    bad = tool_call_message("Weather", {"city": "Lisbon", "celsius": "warm"})
    with pytest.raises(ValidationError, match="celsius"):
        ScriptedChatModel([bad]).with_structured_output(Weather).invoke("weather?")
    raw = ScriptedChatModel([bad]).with_structured_output(Weather, include_raw=True).invoke("w")
    assert isinstance(raw, dict)
    assert raw["parsed"] is None
    assert isinstance(raw["parsing_error"], ValidationError)
    # No tool call at all: the default parser yields None, as with a real provider.
    assert ScriptedChatModel(["sunny"]).with_structured_output(Weather).invoke("w") is None


async def test_exhaustion_names_the_script_length_and_the_request() -> None:
    model = ScriptedChatModel(["only one"])
    await model.ainvoke("first")
    with pytest.raises(ScriptExhaustedError) as caught:
        await model.ainvoke([SystemMessage("sys"), HumanMessage("the second question")])
    assert isinstance(caught.value, UsageError)
    assert caught.value.scripted == 1
    assert "request #2 but only 1 response(s) were scripted" in str(caught.value)
    assert "[human] the second question" in str(caught.value)
    assert caught.value.request.index == 1


async def test_latency_waits_on_the_injected_sleep_sync_and_async() -> None:
    sleep = RecordingSleep()
    model = ScriptedChatModel(["a", "b"], latency=1.5, sleep=sleep)
    await model.ainvoke("x")
    # A sync call from inside a running loop still waits on the injected sleep.
    model.invoke("y")
    assert sleep.calls == [1.5, 1.5]
    with pytest.raises(UsageError, match="latency"):
        ScriptedChatModel([], latency=-1)


def test_sync_latency_without_a_running_loop() -> None:
    sleep = RecordingSleep()
    ScriptedChatModel(["a"], latency=0.25, sleep=sleep).invoke("x")
    assert sleep.calls == [0.25]


async def test_concurrent_calls_take_distinct_responses() -> None:
    model = ScriptedChatModel([str(n) for n in range(5)], latency=1, sleep=RecordingSleep())
    replies = await asyncio.gather(*(model.ainvoke(f"q{n}") for n in range(5)))
    assert sorted(r.text for r in replies) == ["0", "1", "2", "3", "4"]


def test_helpers_build_tool_calls_and_plans() -> None:
    plan = Plan(steps=[Step(id="s1", tool="forecast", args={"city": "Porto"})])
    message = plan_message(plan)
    assert message.tool_calls[0]["name"] == "Plan"
    assert ScriptedChatModel([message]).with_structured_output(Plan).invoke("plan") == plan
    same = tool_call_message("f", {"a": 1})
    assert same.tool_calls[0]["id"] == tool_call_message("f", {"a": 1}).tool_calls[0]["id"]
    assert tool_call_message("f", {}, id="call_9").tool_calls[0]["id"] == "call_9"


def test_from_json_builds_messages_with_tool_calls() -> None:
    model = ScriptedChatModel.from_json(
        [
            {"content": "hello"},
            {"tool_calls": [{"name": "Weather", "args": {"city": "Faro", "celsius": 30}}]},
        ],
        model_name="from-json",
    )
    assert model.invoke("hi").text == "hello"
    assert model.with_structured_output(Weather).invoke("w") == Weather(city="Faro", celsius=30)
    assert model.model_name == "from-json"
