"""Characters the planner's model receives at each re-plan, as re-plans pile up.

    .venv/bin/python -m bench --only replan_prompt      # with the others' reports
    .venv/bin/python -m bench.replan_prompt            # 1, 5, 20, 50 re-plans
    .venv/bin/python -m bench.replan_prompt 1 10 100

A run of ``LLMPlanner`` over a ``ScriptedChatModel`` that records its requests, with a budget of
N re-plans, in two scenarios:

- ``progress``: every plan runs one read that succeeds (its ~250-character result is kept) and
  one that fails on a new item; the kept results and the failures pile up.
- ``stuck``: every plan repeats the same failing call; identical failures pile up.

The figure is the length, in characters, of the messages of the planner's first request at
re-plan 1, 5, 20, 50 (the last re-plan of a run with that many). Nothing is timed.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from langchain_core.messages import AIMessage, BaseMessage
from pydantic import BaseModel

from bench.report import Column, Report, Table, Target, fixed
from plangate.graphs.engine.budget import Budget
from plangate.graphs.engine.build import Engine
from plangate.graphs.engine.plan import Plan, PlanLimits, Step
from plangate.graphs.engine.planner import LLMPlanner
from plangate.graphs.engine.responder import FunctionResponder
from plangate.graphs.engine.runtime import Runtime
from plangate.graphs.offline.scripted import ScriptedChatModel, plan_message
from plangate.tools.base import tool
from plangate.tools.clock import FakeClock
from plangate.tools.errors import ToolRefusedError
from plangate.tools.executor import ToolExecutor
from plangate.tools.registry import Toolset

Scenario = Literal["progress", "stuck"]
SCENARIOS: tuple[Scenario, ...] = ("progress", "stuck")
SIZES = (1, 5, 20, 50)


class Item(BaseModel):
    """What the shop knows of an item."""

    name: str
    price: int
    description: str


@tool(effect="read")
def look_up(item: str) -> Item:
    """What the shop knows of an item."""
    if not item.startswith("tea"):
        raise ToolRefusedError(f"unknown item {item}: the shop sells only teas", reason="not_found")
    return Item(name=item, price=4, description="A loose-leaf tea from the shop's shelf. " * 5)


class Answer(BaseModel):
    """The run's answer."""

    summary: str


def _plan(scenario: Scenario, round_: int) -> Plan:
    failing = "scone" if scenario == "stuck" else f"scone{round_}"
    steps = [Step(id=f"bad{round_}", tool="look_up", args={"item": failing})]
    if scenario == "progress":
        steps.insert(0, Step(id=f"tea{round_}", tool="look_up", args={"item": f"tea{round_}"}))
    return Plan(steps=steps, rationale="look the items up")


def _script(scenario: Scenario) -> Any:
    round_ = 0

    def answer(messages: list[BaseMessage], tools: tuple[dict[str, Any], ...]) -> AIMessage:
        nonlocal round_
        message = plan_message(_plan(scenario, round_))
        round_ += 1
        return message

    return answer


async def prompt_sizes(scenario: Scenario, replans: int) -> list[int]:
    """Characters of each planner request of a run with ``replans`` re-plans (first plan first)."""
    model = ScriptedChatModel([_script(scenario)] * (replans + 1))
    clock = FakeClock(datetime(2026, 3, 2, 15, 0, tzinfo=UTC))
    toolset = Toolset([look_up])
    runtime = Runtime(
        toolset=toolset,
        executor=ToolExecutor(toolset, clock=clock),
        planner=LLMPlanner(model),
        responder=FunctionResponder(lambda request, results: Answer(summary="done")),
        response_model=Answer,
        budget=Budget(
            max_replans=replans,
            max_steps=10 * (replans + 1),
            max_tool_calls=10 * (replans + 1),
            max_model_calls=replans + 5,
            max_tokens=10**9,
        ),
        limits=PlanLimits(max_steps=2 * (replans + 1)),
        clock=clock,
    )
    result = await Engine(runtime).run("price of teas and scones", thread_id="bench")
    if result.error is None or "no re-plan got past it" not in result.error["message"]:
        raise RuntimeError(f"the run did not end on its re-plan budget: {result.error}")
    return [sum(len(message.text) for message in r.messages) for r in model.requests]


def measure(sizes: Sequence[int] = SIZES) -> dict[Scenario, dict[int, tuple[int, int]]]:
    """Scenario → N → (characters of the N-th re-plan's request, of all N re-plans' requests)."""
    figures: dict[Scenario, dict[int, tuple[int, int]]] = {}
    for scenario in SCENARIOS:
        figures[scenario] = {}
        for n in sizes:
            sizes_of_run = asyncio.run(prompt_sizes(scenario, n))
            figures[scenario][n] = (sizes_of_run[n], sum(sizes_of_run[1:]))
    return figures


BOUND_GROWTH = 1.1
"""Target: the request at the last re-plan is at most this many times the one at re-plan 20."""


def run(*, quick: bool = False) -> Report:
    """The benchmark: 1, 5, 20, 50 re-plans (a few seconds, so ``quick`` changes nothing)."""
    sizes = SIZES
    figures = measure(sizes)
    rows = [
        {"scenario": scenario, **{f"at_{n}": by_size[n][0] for n in sizes},
         "total": by_size[sizes[-1]][1]}
        for scenario, by_size in figures.items()
    ]  # fmt: skip
    table = Table(
        "Characters of the planner's request at re-plan N",
        [
            Column("scenario", "scenario"),
            *(Column(f"at_{n}", f"re-plan {n}", fixed(0)) for n in sizes),
            Column("total", f"all {sizes[-1]} re-plans of that run", fixed(0)),
        ],
        rows,
    )
    middle, last = sizes[-2], sizes[-1]
    targets = [
        Target(
            f"{scenario}: the request at re-plan {last} ≤ {BOUND_GROWTH}× the one at {middle}",
            f"{by_size[last][0]:,} vs {by_size[middle][0]:,} characters "
            f"({by_size[last][0] / by_size[middle][0]:.2f}×)",
            by_size[last][0] <= BOUND_GROWTH * by_size[middle][0],
        )
        for scenario, by_size in figures.items()
    ]
    progress = figures["progress"]
    return Report(
        name="replan_prompt",
        title="Re-plan prompts: bounded, however many re-plans came before",
        summary=(
            "Characters of the messages `LLMPlanner` sends at re-plan N (a run with a budget of "
            "N re-plans over a `ScriptedChatModel` that records its requests). `progress`: each "
            "plan keeps one ~250-character result and fails once on a new item; `stuck`: every "
            "plan repeats the same failing call. Nothing is timed."
        ),
        params={"sizes": list(sizes)},
        tables=[table],
        targets=targets,
        headlines=[
            (
                f"planner request at re-plan {middle} / {last} (progress)",
                f"{progress[middle][0]:,} / {progress[last][0]:,} characters",
            )
        ],
        notes=[
            "The re-plan section is bounded by ReplanLimits (plangate.graphs.engine."
            "replan_context): kept results cut, the latest failures whole, earlier ones one "
            "line each, identical calls collapsed with a count, the oldest counted by tool.",
        ],
    )


def main(argv: Sequence[str]) -> None:
    """Print a table of the figures."""
    sizes = [int(arg) for arg in argv] or list(SIZES)
    figures = measure(sizes)
    print("characters of the planner's request at re-plan N (all N re-plans of the run together)")
    print("| scenario | " + " | ".join(f"re-plan {n}" for n in sizes) + " |")
    print("|---|" + "---:|" * len(sizes))
    for scenario, by_size in figures.items():
        cells = [f"{at:,} ({total:,})" for at, total in (by_size[n] for n in sizes)]
        print(f"| {scenario} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
