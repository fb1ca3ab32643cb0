"""``@intent``: a plan builder made an ``Intent``, named and described by the function."""

from __future__ import annotations

import re

import pytest

from plangate import Plan, Step, intent
from plangate.graphs.engine.planner import PlanningContext
from plangate.graphs.offline.grammar import Grammar, Intent, unmatched_examples
from plangate.tools.errors import UsageError


@intent(r"weather in (?P<city>\w+)", examples=("weather in Rome",))
def weather_in(match: re.Match[str], context: PlanningContext) -> list[Step]:
    """Tell the weather in a city.

    The rest of the docstring is not the description.
    """
    return [Step(id="w", tool="weather", args={"city": match["city"]})]


def plan_of(made: Intent, request: str) -> Plan:
    found = Grammar([made]).match(request)
    assert found is not None, f"{request!r} not matched"
    return found.intent.build(found.match, PlanningContext(request=request))


def test_the_function_names_and_describes_the_intent() -> None:
    assert isinstance(weather_in, Intent)
    assert weather_in.name == "weather_in"
    assert weather_in.description == "Tell the weather in a city"  # a phrase: no final period
    assert weather_in.examples == ("weather in Rome",)
    assert weather_in.patterns == (r"weather in (?P<city>\w+)",)
    assert unmatched_examples(Grammar([weather_in])) == []


def test_steps_returned_become_the_plan() -> None:
    plan = plan_of(weather_in, "what's the weather in Oslo?")
    assert plan == Plan(steps=[Step(id="w", tool="weather", args={"city": "Oslo"})])


def test_a_plan_returned_is_kept_as_it_is() -> None:
    @intent(r"\bnothing\b")
    def nothing(match: re.Match[str], context: PlanningContext) -> Plan:
        """Do nothing."""
        return Plan(steps=[], note="nothing to do")

    assert plan_of(nothing, "do nothing") == Plan(steps=[], note="nothing to do")


def test_name_description_and_patterns_can_be_given() -> None:
    @intent(r"^hi\b", r"^hello\b", name="greet", description="Say hello.")
    def anything(match: re.Match[str], context: PlanningContext) -> list[Step]:
        return []

    assert (anything.name, anything.description) == ("greet", "Say hello.")
    assert plan_of(anything, "hello there") == Plan(steps=[])


def test_mistakes_are_usage_errors_when_the_intent_is_made() -> None:
    def undocumented(match: re.Match[str], context: PlanningContext) -> list[Step]:
        return []

    with pytest.raises(UsageError, match="'undocumented' has no description: add a docstring"):
        intent(r"x")(undocumented)
    with pytest.raises(UsageError, match="no patterns"):
        intent(description="d")(undocumented)
    with pytest.raises(UsageError, match=r"examples are a tuple of str, e.g. \('say x',\)"):
        intent(r"x", examples="say x")
    with pytest.raises(UsageError, match="@intent takes its patterns first"):
        intent(undocumented)  # type: ignore[arg-type]  # @intent without its parentheses
