"""What an LLMPlanner remembers between the attempts of a run stays with that run."""

from __future__ import annotations

from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.engine.planner import LLMPlanner, PlanningContext
from plangate.graphs.engine.validation import PlanIssue
from plangate.graphs.offline.scripted import ScriptedChatModel, plan_message


def plan_of(item: str) -> Plan:
    return Plan(steps=[Step(id="s1", tool="get_price", args={"item": item})])


async def test_two_runs_asking_the_same_thing_keep_their_own_previous_answers() -> None:
    model = ScriptedChatModel(
        [plan_message(plan_of("tea-from-a")), plan_message(plan_of("cake-from-b")),
         plan_message(plan_of("tea"))]
    )  # fmt: skip
    planner = LLMPlanner(model)
    issue = PlanIssue(step_id="s1", field="tool", code="unknown_tool", message="no such tool")
    await planner.plan(PlanningContext(request="price of tea", run="a"))
    await planner.plan(PlanningContext(request="price of tea", run="b"))
    await planner.plan(PlanningContext(request="price of tea", run="a"), [issue])
    repair = model.requests[2].text
    assert "tea-from-a" in repair  # run a's own previous answer
    assert "cake-from-b" not in repair
