"""Empty plans: an agent may plan to do nothing, and answer (or refuse) with the plan's note."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from pydantic import BaseModel

from plangate.graphs.engine.build import Engine
from plangate.graphs.engine.events import PlanReady, StepStarted
from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.engine.planner import LLMPlanner, PlanningContext, PlanningError
from plangate.graphs.engine.respond import PLAN_NOTE
from plangate.graphs.engine.responder import FunctionResponder
from plangate.graphs.engine.runtime import Runtime
from plangate.graphs.engine.validation import PlanIssue, validate_plan
from plangate.graphs.offline.grammar import Grammar, Intent, plan_nothing
from plangate.graphs.offline.rule_planner import RulePlanner
from plangate.graphs.offline.scripted import ScriptedChatModel, tool_call_message
from plangate.tools.base import ToolContext, tool
from plangate.tools.clock import FakeClock
from plangate.tools.errors import ToolRefusedError, UsageError
from plangate.tools.executor import ToolExecutor
from plangate.tools.registry import Toolset


class Counter:
    def __init__(self) -> None:
        self.calls = 0


@tool(effect="read")
async def lookup(item: str, ctx: ToolContext[Counter]) -> str:
    """Look an item up."""
    ctx.deps.calls += 1
    if item == "gone":
        raise ToolRefusedError("no such item", reason="not_found")
    return f"{item}: in stock"


class Reply(BaseModel):
    text: str
    looked_up: list[str] = []


def _reply(request: str, records: Mapping[str, Any]) -> Reply:
    note = records.get(PLAN_NOTE, {}).get("result", "")
    done = [rec["result"] for sid, rec in records.items() if rec.get("status") == "done"]
    return Reply(text=note or "looked it up", looked_up=done)


class Scripted:
    def __init__(self, *plans: Plan) -> None:
        self.plans = list(plans)
        self.seen: list[PlanningContext] = []

    async def plan(self, context: PlanningContext, feedback: Sequence[PlanIssue] = ()) -> Plan:
        self.seen.append(context)
        return self.plans.pop(0)


def _engine(planner: Any, counter: Counter) -> Engine:
    toolset = Toolset([lookup], deps=counter)
    return Engine(
        Runtime(
            toolset=toolset,
            executor=ToolExecutor(toolset, clock=FakeClock()),
            planner=planner,
            responder=FunctionResponder(_reply),
            response_model=Reply,
            clock=FakeClock(),
        )
    )


CLOSED = Plan(steps=[], note="We open at nine; no booking is needed to visit.")


def test_an_empty_plan_is_valid() -> None:
    toolset = Toolset([lookup], deps=Counter())
    assert validate_plan(CLOSED, toolset) == []
    assert validate_plan(Plan(steps=[]), toolset) == []


async def test_an_empty_plan_goes_straight_to_the_answer_with_its_note() -> None:
    counter = Counter()
    engine = _engine(Scripted(CLOSED), counter)
    events = [e async for e in engine.stream("when do you open?", thread_id="e")]
    result = await engine.result("e")
    assert result.status == "done"
    assert result.response == Reply(text=CLOSED.note)
    assert counter.calls == 0
    assert not [e for e in events if isinstance(e, StepStarted)]
    (ready,) = [e for e in events if isinstance(e, PlanReady)]
    assert ready.plan == {"steps": [], "rationale": "", "note": CLOSED.note}
    assert result.steps == {}
    assert result.usage.get("tool_calls", 0) == 0


async def test_a_replan_may_be_empty_and_keeps_what_is_done() -> None:
    counter = Counter()
    first = Plan(
        steps=[
            Step(id="tea", tool="lookup", args={"item": "tea"}),
            Step(id="gone", tool="lookup", args={"item": "gone"}),
        ]
    )
    give_up = Plan(steps=[], note="That item is not sold here.")
    planner = Scripted(first, give_up)
    result = await _engine(planner, counter).run("tea and gone?", thread_id="r")
    assert result.status == "done"
    assert result.response == Reply(text=give_up.note, looked_up=["tea: in stock"])
    assert "gone" in planner.seen[1].failed
    assert counter.calls == 2
    assert result.plan is not None
    assert [s["id"] for s in result.plan["steps"]] == ["tea"]


async def test_the_offline_grammar_plans_nothing_for_a_request_it_answers() -> None:
    grammar = Grammar(
        [
            Intent("hours", "tell the opening hours", ("when do you open?",), (r"\bopen\b",),
                   plan_nothing(CLOSED.note)),
            Intent("look", "look an item up", ("look up tea",), (r"look up (?P<item>\w+)",),
                   lambda m, c: Plan(steps=[Step(id="s1", tool="lookup",
                                                 args={"item": m["item"]})])),
        ]
    )  # fmt: skip
    counter = Counter()
    engine = _engine(RulePlanner(grammar), counter)
    assert (await engine.run("when do you open?")).response == Reply(text=CLOSED.note)
    looked = await engine.run("look up tea")
    assert looked.response == Reply(text="looked it up", looked_up=["tea: in stock"])
    assert counter.calls == 1


def test_plan_nothing_needs_a_note() -> None:
    with pytest.raises(UsageError, match="plan_nothing needs a note"):
        plan_nothing("  ")


async def test_a_model_planner_may_answer_with_a_note_and_no_steps() -> None:
    model = ScriptedChatModel([tool_call_message("Plan", {"steps": [], "note": CLOSED.note})])
    counter = Counter()
    engine = _engine(LLMPlanner(model), counter)
    result = await engine.run("when do you open?")
    assert result.status == "done"
    assert result.response == Reply(text=CLOSED.note)
    assert counter.calls == 0
    schema = model.requests[0].tools[0]["function"]["parameters"]["properties"]
    assert "note" in schema, "the model must be told it may answer with a note"
    assert "write in note" in model.requests[0].text


async def test_a_model_planner_answer_with_neither_steps_nor_note_is_repaired() -> None:
    empty = LLMPlanner(ScriptedChatModel([tool_call_message("Plan", {"steps": [], "note": " "})]))
    with pytest.raises(PlanningError, match="or a note"):
        await empty.plan(PlanningContext(request="when do you open?"))
