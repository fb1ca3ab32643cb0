"""RulePlanner: plans from a grammar, says what it understands, re-plans without repeats."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

import pytest

from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.engine.planner import NothingToPlanError, PlanningContext
from plangate.graphs.engine.validation import PlanIssue
from plangate.graphs.offline.grammar import (
    Grammar,
    Intent,
    OutsideGrammarError,
    replan_without_repeats,
)
from plangate.graphs.offline.rule_planner import RulePlanner
from plangate.graphs.offline.slots import parse_count, parse_date, parse_time
from plangate.tools.errors import UsageError
from tests.graphs.engine.test_engine import Answer, Shop, engine

TODAY = date(2026, 3, 9)  # a Monday


def book(match: re.Match[str], context: PlanningContext) -> Plan:
    """Search, then book the first venue — or the second when booking the first failed."""
    request = context.request
    day = parse_date(request, context.today or TODAY)
    at = parse_time(request, prefer_pm=True)
    party = parse_count(match["party"])
    choice = 1 if "book" in context.failed else 0
    return Plan(
        steps=[
            Step(
                id="search",
                tool="search_restaurants",
                args={"city": match["city"].title(), "party_size": party},
            ),
            Step(
                id="book",
                tool="book_table",
                args={
                    "venue_id": f"${{search[{choice}].id}}",
                    "day": day.isoformat() if day else None,
                    "time": at.isoformat("minutes") if at else None,
                },
            ),
        ]
    )


def weather(match: re.Match[str], context: PlanningContext) -> Plan:
    city = match["city"].title()
    return Plan(
        steps=[
            Step(id="forecast", tool="forecast", args={"city": city}),
            Step(id="advice", tool="advise", args={"weather": "${forecast.summary}"}),
            Step(id="events", tool="events", args={"city": city}),
        ]
    )


BOOK = Intent(
    name="book_table",
    description="Book a restaurant table",
    examples=("book a table for 4 in Lisbon tomorrow at 8",),
    patterns=(r"\bbook\b.*\btable for (?P<party>[\w ]+?) in (?P<city>[a-z]+)",),
    build=book,
)
WEATHER = Intent(
    name="weather",
    description="Plan a day out around the weather",
    examples=("weather in Porto",),
    patterns=(r"\bweather in (?P<city>[a-z]+)",),
    build=weather,
)
PLANNER = RulePlanner(Grammar([BOOK, WEATHER]))


def context(request: str, **changes: object) -> PlanningContext:
    return PlanningContext(request=request, today=TODAY, **changes)  # type: ignore[arg-type]


async def test_a_matching_request_gets_its_intents_plan() -> None:
    plan = await PLANNER.plan(context("Please book a table for two in lisbon next Friday at 8"))
    assert [step.id for step in plan.steps] == ["search", "book"]
    assert plan.steps[0].args == {"city": "Lisbon", "party_size": 2}
    assert plan.steps[1].args == {
        "venue_id": "${search[0].id}",
        "day": "2026-03-13",
        "time": "20:00",
    }


async def test_outside_the_grammar_the_error_lists_the_understood_forms() -> None:
    with pytest.raises(OutsideGrammarError) as caught:
        await PLANNER.plan(context("sell all my shares"))
    message = str(caught.value)
    assert "does not understand 'sell all my shares'" in message
    assert '- Book a restaurant table, e.g. "book a table for 4 in Lisbon tomorrow at 8"' in message
    assert '- Plan a day out around the weather, e.g. "weather in Porto"' in message
    assert "--model openai:gpt-4o-mini / ollama:llama3.1 / anthropic:claude" in message


async def test_default_replan_keeps_completed_work_and_picks_the_alternative() -> None:
    request = "book a table for 4 in Porto today at 7pm"
    first = await PLANNER.plan(context(request))
    replan = context(
        request,
        previous=first,
        completed={"search": [{"id": "v1"}, {"id": "v2"}]},
        failed={"book": "no table left at v1"},
    )
    plan = await PLANNER.plan(replan)
    assert [step.id for step in plan.steps] == ["book"]
    assert plan.steps[0].args["venue_id"] == "${search[1].id}"


async def test_default_replan_drops_exact_repeats_and_their_dependents() -> None:
    request = "weather in Faro"
    first = await PLANNER.plan(context(request))
    replan = context(request, previous=first, failed={"forecast": "service down"})
    plan = await PLANNER.plan(replan)
    assert [step.id for step in plan.steps] == ["events"]


async def test_replan_with_nothing_left_says_there_is_nothing_to_plan() -> None:
    request = "weather in Faro"
    first = await PLANNER.plan(context(request))
    replan = context(
        request,
        previous=first,
        completed={"events": []},
        failed={"forecast": "service down"},
    )
    assert replan_without_repeats(first, replan) is None
    # Not a PlanningError: the engine would ask again and again until its budget ran out.
    with pytest.raises(NothingToPlanError, match="no alternative to the failed steps"):
        await PLANNER.plan(replan)
    issue = PlanIssue(step_id=None, field=None, code="invalid_args", message="no alternative")
    with pytest.raises(NothingToPlanError):
        await PLANNER.plan(replan, [issue])


async def test_an_intents_own_replan_is_used() -> None:
    seen: list[dict[str, str]] = []

    def replan(match: re.Match[str], ctx: PlanningContext) -> Plan:
        seen.append(dict(ctx.failed))
        return Plan(steps=[Step(id="apologise", tool="notify", args={"city": match["city"]})])

    planner = RulePlanner(Grammar([Intent("w", "Weather", (), WEATHER.patterns, weather, replan)]))
    plan = await planner.plan(context("weather in Braga", failed={"forecast": "down"}))
    assert plan.steps[0].args == {"city": "Braga"}
    assert seen == [{"forecast": "down"}]


async def test_feedback_means_the_grammar_built_an_invalid_plan() -> None:
    issue = PlanIssue(step_id="book", field="tool", code="unknown_tool", message="no book_table")
    with pytest.raises(UsageError, match=r"intent 'book_table' .* invalid plan:\n1. no book_table"):
        await PLANNER.plan(context("book a table for 2 in Lisbon"), [issue])


class CountingPlanner(RulePlanner):
    """A RulePlanner that counts how often the engine asks it."""

    asked = 0

    async def plan(self, context: PlanningContext, feedback: Sequence[PlanIssue] = ()) -> Plan:
        self.asked += 1
        return await super().plan(context, feedback)


async def test_a_run_whose_intent_has_no_alternative_answers_after_one_replan() -> None:
    def price(match: re.Match[str], context: PlanningContext) -> Plan:
        return Plan(steps=[Step(id="a", tool="get_price", args={"item": match["item"]})])

    intent = Intent(
        name="price", description="Price an item", examples=("price of tea",),
        patterns=(r"\bprice of (?P<item>\w+)",), build=price,
    )  # fmt: skip
    planner = CountingPlanner(Grammar([intent]))
    run = engine(planner, Shop())  # type: ignore[arg-type]  # any Planner will do
    result = await run.run("price of scone", thread_id="t")
    assert result.status == "done", result.error  # answered, not out of budget
    assert result.response == Answer(summary="a=failed", total=0)
    assert planner.asked == 2  # the plan, then one re-plan that found nothing to add
