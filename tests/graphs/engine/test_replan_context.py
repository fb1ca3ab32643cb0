"""Re-plan prompts stay bounded: kept results cut, latest failures whole, earlier ones collapsed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, BaseMessage
from pydantic import BaseModel

from plangate.graphs.engine.budget import Budget
from plangate.graphs.engine.build import Engine, RunResult
from plangate.graphs.engine.plan import Plan, PlanLimits, Step
from plangate.graphs.engine.planner import LLMPlanner
from plangate.graphs.engine.replan_context import (
    FailedCall,
    ReplanLimits,
    describe_earlier_attempt,
    failed_calls,
)
from plangate.graphs.engine.responder import FunctionResponder
from plangate.graphs.engine.runtime import Runtime
from plangate.graphs.engine.state import StepRecord, StepStatus
from plangate.graphs.offline.scripted import ScriptedChatModel, plan_message
from plangate.tools.base import tool
from plangate.tools.clock import FakeClock
from plangate.tools.errors import ToolRefusedError, UsageError
from plangate.tools.executor import ToolExecutor
from plangate.tools.registry import Toolset

WHY = "the shop sells only teas; " + "ask for a tea by its full name, e.g. tea-sencha. " * 12
"""A long reason (over 600 characters): the latest failure must still be shown whole."""

TIGHT = ReplanLimits(
    result_width=120, results_chars=600, names_width=150, max_latest=2, max_earlier=3
)
"""Limits small enough that a few re-plans reach every ceiling."""


class Item(BaseModel):
    name: str
    description: str


@tool(effect="read")
def look_up(item: str) -> Item:
    """What the shop knows of an item."""
    if not item.startswith("tea"):
        raise ToolRefusedError(f"unknown item {item}: {WHY}", reason="not_found")
    return Item(name=item, description="Loose-leaf tea from the shop's shelf. " * 8)


class Answer(BaseModel):
    summary: str


def plan_of(scenario: str, round_: int) -> Plan:
    """``progress``: a new tea kept and a new failure per plan; ``stuck``: one failure again."""
    item = {"progress": f"scone{round_}", "stuck": "scone", "two": f"scone{round_ % 2}"}
    steps = [Step(id=f"bad{round_}", tool="look_up", args={"item": item[scenario]})]
    if scenario == "progress":
        steps.insert(0, Step(id=f"tea{round_}", tool="look_up", args={"item": f"tea{round_}"}))
    return Plan(steps=steps, rationale="look the items up")


async def replan_run(
    scenario: str, replans: int, limits: ReplanLimits
) -> tuple[RunResult, list[str]]:
    """A run whose every plan has a failing step, to the end of ``replans`` re-plans.

    Returns the result and the system prompt of every planner request (first plan first).
    """
    rounds = iter(range(replans + 1))

    def answer(messages: list[BaseMessage], tools: tuple[dict[str, Any], ...]) -> AIMessage:
        return plan_message(plan_of(scenario, next(rounds)))

    model = ScriptedChatModel([answer] * (replans + 1))
    clock = FakeClock(datetime(2026, 3, 2, 15, 0, tzinfo=UTC))
    toolset = Toolset([look_up])
    runtime = Runtime(
        toolset=toolset, executor=ToolExecutor(toolset, clock=clock),
        planner=LLMPlanner(model, replan_limits=limits),
        responder=FunctionResponder(lambda request, results: Answer(summary="-")),
        response_model=Answer, clock=clock, limits=PlanLimits(max_steps=2 * replans + 2),
        budget=Budget(max_replans=replans, max_steps=4 * replans + 4,
                      max_tool_calls=4 * replans + 4, max_model_calls=replans + 2),
    )  # fmt: skip
    result = await Engine(runtime).run("teas and scones", thread_id="t")
    return result, [request.messages[0].text for request in model.requests]


def section(prompt: str) -> str:
    return prompt[prompt.index("# Earlier attempt") :]


@pytest.mark.parametrize("scenario", ["progress", "stuck"])
@pytest.mark.parametrize("replans", [1, 5, 20, 50])
async def test_the_replan_prompt_stays_under_its_bound_however_many_replans(
    scenario: str, replans: int
) -> None:
    result, prompts = await replan_run(scenario, replans, TIGHT)
    # The budget of re-plans ends the run as before: after the last one, with the tool's error.
    assert len(prompts) == replans + 1
    assert result.status == "failed"
    assert result.error is not None
    assert result.error["type"] == "ToolRefusedError"
    assert "no re-plan got past it" in result.error["message"]
    first = len(prompts[0])
    for prompt in prompts[1:]:
        assert len(section(prompt)) <= TIGHT.max_chars
        assert len(prompt) <= first + TIGHT.max_chars + 2
    last = section(prompts[-1])
    item = {"progress": f"scone{replans - 1}", "stuck": "scone"}[scenario]
    whole = f'- bad{replans - 1}: look_up {{"item": "{item}"}} failed: unknown item {item}: '
    assert whole + " ".join(WHY.split()) in last
    if scenario == "stuck" and replans > 1:
        times = "once" if replans == 2 else f"{replans - 1} times"
        assert f"(the same call failed the same way {times} before)" in last
    if scenario == "progress" and replans > TIGHT.max_earlier + 1:
        older = replans - 1 - TIGHT.max_earlier
        assert f"- and {older} earlier failures of look_up" in last


async def test_the_prompt_is_flat_once_every_ceiling_is_reached() -> None:
    _, prompts = await replan_run("progress", 30, TIGHT)
    lengths = [len(prompt) for prompt in prompts[10:]]
    # What still changes is which names fit the line of steps named and the digits of counts
    # and ids, never another result or failure line (over 100 characters each here).
    assert max(lengths) - min(lengths) <= 40


async def test_identical_earlier_failures_collapse_with_their_count() -> None:
    _, prompts = await replan_run("two", 6, ReplanLimits())
    last = section(prompts[-1])
    # scone1 failed at rounds 1, 3 (and 5, the latest); scone0 at rounds 0, 2, 4.
    assert '- bad5: look_up {"item": "scone1"} failed:' in last
    assert "(the same call failed the same way 2 times before)" in last
    (earlier,) = [line for line in last.splitlines() if line.startswith('- look_up {"item"')]
    assert earlier.startswith('- look_up {"item": "scone0"}: unknown item scone0')
    assert earlier.endswith(" (×3)")
    assert len(earlier) <= ReplanLimits().earlier_width


def record(step_id: str, item: str, status: StepStatus = "failed", round_: int = 0) -> StepRecord:
    return StepRecord(
        step_id=step_id, tool="look_up", status=status, args={"item": item},
        error=f"unknown item {item}", round=round_,
    )  # fmt: skip


def test_failed_calls_latest_first_identical_ones_counted() -> None:
    steps = {"a": record("a", "x", round_=2), "b": record("b", "x", round_=2)}
    history = [record("a", "x"), record("c", "y"), record("d", "y", "skipped", 1)]
    history.append(record("a", "y", round_=1))
    calls = failed_calls(steps, history)
    assert [(c.step_id, c.args["item"], c.count, c.latest) for c in calls] == [
        ("a", "x", 2, True),  # the earlier x folds into the first latest one
        ("b", "x", 1, True),  # two steps of one plan stay two
        ("a", "y", 2, False),  # newest first; the skipped one is no failure
    ]
    assert calls[2].round == 1


def test_a_hand_built_context_describes_failures_from_the_plan() -> None:
    plan = Plan(steps=[Step(id="s1", tool="look_up", args={"item": "scone"})])
    text = describe_earlier_attempt(previous=plan, completed={}, failed={"s1": "gone"}, calls=())
    assert '- s1: look_up {"item": "scone"} failed: gone' in text


def test_limits_are_checked() -> None:
    assert ReplanLimits().max_chars < 14_000  # as the module's docstring says
    with pytest.raises(UsageError, match=r"ReplanLimits\.max_earlier must be at least 1"):
        ReplanLimits(max_earlier=0)


TEXT = st.text(alphabet="abcdefgh ", min_size=1, max_size=1500)


def failure(index: int, latest: bool, draw: st.DrawFn) -> FailedCall:
    return FailedCall(
        step_id=f"s{index}",
        tool=draw(st.sampled_from(["look_up", "book_table", "t" * 64, "order"])),
        args={"item": draw(TEXT)},
        reason=draw(TEXT),
        status=draw(st.sampled_from(["failed", "rejected"])),
        count=draw(st.integers(1, 30)),
        latest=latest,
    )


@st.composite
def attempts(draw: st.DrawFn) -> tuple[dict[str, Any], list[FailedCall], ReplanLimits]:
    completed = {
        f"k{i}": draw(st.one_of(TEXT, st.lists(st.integers(), max_size=200)))
        for i in range(draw(st.integers(0, 60)))
    }
    latest = draw(st.integers(0, 8))
    calls = [failure(i, i < latest, draw) for i in range(draw(st.integers(latest, 70)))]
    limits = ReplanLimits(
        result_width=draw(st.integers(1, 400)), results_chars=draw(st.integers(1, 4000)),
        names_width=draw(st.integers(1, 500)), args_width=draw(st.integers(1, 400)),
        failure_width=draw(st.integers(1, 1200)), max_latest=draw(st.integers(1, 6)),
        earlier_width=draw(st.integers(20, 300)), max_earlier=draw(st.integers(1, 10)),
    )  # fmt: skip
    return completed, calls, limits


def accounted(text: str) -> int:
    """How many failures ``text`` accounts for: lines, repeats, counts and counted tails."""
    total = 0
    for line in text.splitlines():
        if re.match(r"- s\d+: ", line):
            before = re.search(r"the same way (once|\d+ times) before\)$", line)
            total += 1 + (
                0 if before is None else 1 if before[1] == "once" else int(before[1][:-6])
            )
        elif line.startswith("- and "):
            total += sum(int(n) for n in re.findall(r"(\d+) (?:earlier failures )?of ", line))
        elif line.startswith("- ") and not line.startswith("- k"):
            times = re.search(r" \(×(\d+)\)$", line)
            total += 1 if times is None else int(times[1])
    return total


@settings(max_examples=40, deadline=None)
@given(attempts())
def test_the_section_is_bounded_and_drops_no_failure_silently(
    case: tuple[dict[str, Any], Sequence[FailedCall], ReplanLimits],
) -> None:
    completed, calls, limits = case
    failed = {call.step_id: call.reason for call in calls if call.latest}
    text = describe_earlier_attempt(
        previous=None, completed=completed, failed=failed, calls=calls, limits=limits
    )
    assert len(text) <= limits.max_chars
    assert accounted(text) == sum(call.count for call in calls)
    for call in [call for call in calls if call.latest][: limits.max_latest]:
        reason = " ".join(call.reason.split())
        if len(reason) <= limits.failure_width:
            assert f" {'was rejected' if call.status == 'rejected' else 'failed'}: {reason}" in text
