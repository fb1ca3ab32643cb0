"""Agent and AgentSpec: offline by default, model resolution with one-line errors."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from plangate.agents import Agent, AgentSpec
from plangate.agents.catalog import agent_spec
from plangate.agents.models import OFFLINE, model_name, resolve_model
from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.offline.grammar import Grammar, Intent
from plangate.graphs.offline.scripted import ScriptedChatModel, plan_message, tool_call_message
from plangate.tools import Toolset, tool
from plangate.tools.errors import UsageError


@tool(effect="read")
def weather(city: str) -> str:
    """Today's weather in a city."""
    return f"Sunny in {city}"


class Forecast(BaseModel):
    summary: str


ASK = Intent(
    name="weather",
    description="Weather in a city",
    examples=("weather in Porto",),
    patterns=(r"weather in (?P<city>\w+)",),
    build=lambda m, ctx: Plan(steps=[Step(id="w", tool="weather", args={"city": m["city"]})]),
)
SPEC = AgentSpec(
    name="forecaster",
    description="Tells the weather",
    instructions="Be brief.",
    tools=("weather",),
    response_model=Forecast,
    grammar=Grammar([ASK]),
    offline_answer=lambda request, steps: Forecast(summary=steps["w"]["result"]),
)


async def test_an_offline_agent_plans_with_its_grammar_and_answers() -> None:
    result = await Agent(SPEC, Toolset([weather])).run("what's the weather in Porto?")
    assert result.status == "done"
    assert result.response == Forecast(summary="Sunny in Porto")


async def test_a_request_outside_the_grammar_fails_with_what_it_understands() -> None:
    result = await Agent(SPEC, Toolset([weather])).run("sing me a song")
    assert result.status == "failed"
    assert result.error is not None
    assert "weather in Porto" in result.error["message"]
    assert "--model" in result.error["message"]


async def test_with_a_model_the_agent_plans_with_it() -> None:
    plan = Plan(steps=[Step(id="w", tool="weather", args={"city": "Rome"})])
    answer = tool_call_message("Forecast", {"summary": "Sunny in Rome, says the model"})
    model = ScriptedChatModel([plan_message(plan), answer])
    agent = Agent(SPEC, Toolset([weather]), model=model)
    result = await agent.run("weather in Rome")
    assert result.steps["w"]["result"] == "Sunny in Rome"
    assert result.response == Forecast(summary="Sunny in Rome, says the model")
    assert len(model.requests) == 2
    assert "Sunny in Rome" in model.requests[1].text  # the responder saw the tool result


def test_spec_and_agent_errors_name_the_problem() -> None:
    with pytest.raises(UsageError, match="must be an identifier"):
        AgentSpec(
            name="my agent", description="x", instructions="", tools=("a",), response_model=Forecast
        )
    with pytest.raises(UsageError, match="lists no tools"):
        AgentSpec(name="a", description="x", instructions="", tools=(), response_model=Forecast)
    with pytest.raises(UsageError, match="allow-list names unknown tools: rain"):
        Agent(
            AgentSpec(
                name="a", description="x", instructions="", tools=("rain",), response_model=Forecast
            ),
            Toolset([weather]),
        )
    with pytest.raises(UsageError, match="react strategy needs a chat model"):
        Agent(SPEC, Toolset([weather]), strategy="react")
    with pytest.raises(UsageError, match="unknown strategy 'reactive': use 'plan' or 'react'"):
        Agent(SPEC, Toolset([weather]), strategy="reactive")  # type: ignore[arg-type]
    bare = AgentSpec(
        name="b", description="x", instructions="", tools=("weather",), response_model=Forecast
    )
    with pytest.raises(UsageError, match="no offline grammar"):
        Agent(bare, Toolset([weather]))
    with pytest.raises(UsageError, match="unknown agent 'poet'"):
        agent_spec("poet")


def test_model_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLANGATE_MODEL", raising=False)
    assert model_name() == OFFLINE
    assert resolve_model("offline") is None
    monkeypatch.setenv("PLANGATE_MODEL", "offline")
    assert resolve_model() is None
    with pytest.raises(UsageError, match="provider:model"):
        resolve_model("gpt-4o")
    with pytest.raises(UsageError, match="unknown model provider 'acme'"):
        resolve_model("acme:big")


def test_missing_provider_package_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_openai(name: str, *args: object, **kwargs: object) -> object:
        if name == "langchain_openai":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_openai)
    with pytest.raises(UsageError, match=r"pip install 'plangate\[openai\]'"):
        resolve_model("openai:gpt-4o-mini")
