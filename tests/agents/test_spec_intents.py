"""An ``AgentSpec`` takes its offline grammar as a ``Grammar`` or as the intents, in order."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pytest
from pydantic import BaseModel

from plangate import Agent, AgentSpec, Grammar, Step, Toolset, intent, tool
from plangate.graphs.engine.planner import PlanningContext
from plangate.graphs.offline.grammar import Intent
from plangate.tools.errors import UsageError


class Forecast(BaseModel):
    summary: str


@tool(effect="read")
def weather(city: str) -> str:
    """Today's weather in a city."""
    return f"Sunny in {city}"


@intent(r"\bumbrella\b.* in (?P<city>\w+)")
def umbrella(match: re.Match[str], context: PlanningContext) -> list[Step]:
    """Say whether to take an umbrella."""
    return [Step(id="w", tool="weather", args={"city": match["city"]})]


@intent(r"weather in (?P<city>\w+)")
def weather_in(match: re.Match[str], context: PlanningContext) -> list[Step]:
    """Tell the weather in a city."""
    return [Step(id="w", tool="weather", args={"city": match["city"]})]


def spec(grammar: Grammar | Sequence[Intent]) -> AgentSpec:
    return AgentSpec(
        name="forecaster",
        description="Tells the weather",
        instructions="Be brief.",
        tools=("weather",),
        response_model=Forecast,
        grammar=grammar,
        offline_answer=lambda request, steps: Forecast(summary=steps["w"]["result"]),
    )


def test_intents_become_a_grammar_in_their_order() -> None:
    made = spec([umbrella, weather_in])
    assert isinstance(made.grammar, Grammar)
    assert made.grammar.intents == (umbrella, weather_in)
    found = made.grammar.match("an umbrella for the weather in Oslo?")
    assert found is not None
    assert found.intent is umbrella  # the first intent given wins, as in a Grammar


def test_a_grammar_is_kept_as_it_is() -> None:
    grammar = Grammar([weather_in])
    assert spec(grammar).grammar is grammar


def test_an_agent_runs_offline_on_the_intents() -> None:
    result = Agent(spec((weather_in,)), Toolset([weather])).run_sync("weather in Lisbon")
    assert result.response == Forecast(summary="Sunny in Lisbon")


def test_no_intents_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="a grammar needs at least one intent"):
        spec([])
