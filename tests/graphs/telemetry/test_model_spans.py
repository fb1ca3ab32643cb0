"""Model calls as GenAI chat spans, under the plan and the answer they were made for."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import StatusCode
from pydantic import BaseModel

from plangate.agents import Agent, AgentSpec
from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.engine.prices import Price
from plangate.graphs.offline.scripted import (
    ScriptedChatModel,
    ScriptExhaustedError,
    plan_message,
    tool_call_message,
)
from plangate.graphs.telemetry import Telemetry
from plangate.tools import Toolset, tool
from tests.graphs.telemetry.conftest import Spans


@tool(effect="read")
def weather(city: str) -> str:
    """Today's weather in a city."""
    return f"Sunny in {city}"


class Forecast(BaseModel):
    summary: str


SPEC = AgentSpec(
    name="forecaster",
    description="Tells the weather",
    instructions="Be brief.",
    tools=("weather",),
    response_model=Forecast,
)
RAINY_PLAN = Plan(steps=[Step(id="w", tool="weather", args={"city": "Rome"})])


def attrs(span: ReadableSpan) -> dict[str, object]:
    return dict(span.attributes or {})


def model(**data: object) -> ScriptedChatModel:
    answer = tool_call_message("Forecast", {"summary": "Sunny in Rome"})
    return ScriptedChatModel([plan_message(RAINY_PLAN), answer], model_name="gpt-4o-mini", **data)


async def test_each_model_call_is_a_chat_span_under_its_phase_with_tokens_and_cost(
    spans: Spans,
) -> None:
    scripted = model()
    price = Price(input=1.0, output=2.0)
    agent = Agent(SPEC, Toolset([weather]), model=scripted, telemetry=Telemetry(spans.provider),
                  prices={"gpt-4o-mini": price})  # fmt: skip
    result = await agent.run("weather in Rome", thread_id="rome")
    assert result.status == "done", result.error

    (root,) = spans.roots()
    phases = spans.children(root)
    assert [s.name for s in phases] == ["plangate.plan", "plangate.wave", "plangate.respond"]
    (planned,) = spans.children(phases[0])
    (answered,) = spans.children(phases[2])
    for call, node in ((planned, "plan"), (answered, "respond")):
        assert call.name == "chat gpt-4o-mini"
        values = attrs(call)
        assert values["gen_ai.operation.name"] == "chat"
        assert values["gen_ai.request.model"] == "gpt-4o-mini"
        assert values["gen_ai.response.model"] == "gpt-4o-mini"
        assert values["plangate.node"] == node
        tokens_in, tokens_out = (
            values["gen_ai.usage.input_tokens"],
            values["gen_ai.usage.output_tokens"],
        )
        assert isinstance(tokens_in, int)
        assert isinstance(tokens_out, int)
        assert tokens_in > 0
        assert tokens_out > 0
        assert values["plangate.cost_usd"] == (tokens_in * 1.0 + tokens_out * 2.0) / 1_000_000
    # A phase's span holds its model calls, in time too.
    for phase, call in ((phases[0], planned), (phases[2], answered)):
        assert phase.start_time is not None
        assert phase.end_time is not None
        assert phase.start_time <= (call.start_time or 0) <= (call.end_time or 0) <= phase.end_time
    total = sum(
        int(str(attrs(s)[key]))
        for s in (planned, answered)
        for key in ("gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens")
    )
    assert attrs(root)["plangate.usage.tokens"] == total
    assert attrs(root)["plangate.usage.model_calls"] == 2


async def test_a_model_call_that_raises_ends_its_span_and_the_run_span_in_error(
    spans: Spans,
) -> None:
    scripted = ScriptedChatModel([], model_name="gpt-4o-mini")  # nothing scripted: it raises
    agent = Agent(SPEC, Toolset([weather]), model=scripted, telemetry=Telemetry(spans.provider))
    with pytest.raises(ScriptExhaustedError):
        await agent.run("weather in Rome")
    (root,) = spans.roots()
    (failed,) = spans.children(root)
    assert failed.name == "chat gpt-4o-mini"
    assert failed.status.status_code is StatusCode.ERROR
    assert attrs(failed)["error.type"] == "ScriptExhaustedError"
    assert root.status.status_code is StatusCode.ERROR
    assert [event.name for event in root.events] == ["exception"]


async def test_under_react_each_turn_is_a_plan_span_with_its_model_call_then_its_wave(
    spans: Spans,
) -> None:
    scripted = ScriptedChatModel(
        [
            AIMessage(content="", tool_calls=[
                {"name": "weather", "args": {"city": "Rome"}, "id": "c1"},
                {"name": "weather", "args": {"city": "Oslo"}, "id": "c2"},
            ]),
            AIMessage(content="Sunny in both."),
            tool_call_message("Forecast", {"summary": "Sunny in Rome and Oslo"}),
        ],
        model_name="gpt-4o-mini",
    )  # fmt: skip
    agent = Agent(SPEC, Toolset([weather]), model=scripted, strategy="react",
                  telemetry=Telemetry(spans.provider))  # fmt: skip
    result = await agent.run("weather in Rome and Oslo")
    assert result.status == "done", result.error
    (root,) = spans.roots()
    assert attrs(root)["plangate.strategy"] == "react"
    phases = spans.children(root)
    assert [s.name for s in phases][:2] == ["plangate.plan", "plangate.wave"]
    assert attrs(phases[0])["plangate.plan.extends"] is True
    assert [s.name for s in spans.children(phases[0])] == ["chat gpt-4o-mini"]
    calls = spans.children(phases[1])
    assert [s.name for s in calls] == ["execute_tool weather"] * 2
    assert len({attrs(s)["gen_ai.tool.call.id"] for s in calls}) == 2
    chats = [s for s in spans.all if s.name == "chat gpt-4o-mini"]
    assert len(chats) == attrs(root)["plangate.usage.model_calls"]
