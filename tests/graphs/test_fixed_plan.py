"""Workflows as code: a fixed ``Plan`` runs with no planner, through the same gates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from plangate.graphs.engine.build import Engine
from plangate.graphs.engine.events import PlanReady, PlanRejected
from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.engine.plan_file import load_plan, parse_plan
from plangate.graphs.engine.planner import PlanningContext
from plangate.graphs.engine.responder import FunctionResponder
from plangate.graphs.engine.runtime import Runtime
from plangate.graphs.engine.validation import PlanIssue
from plangate.graphs.guards.policy import ApproveWrites
from plangate.tools.base import ToolContext, tool
from plangate.tools.clock import FakeClock
from plangate.tools.errors import ToolRefusedError, UsageError
from plangate.tools.executor import ToolExecutor
from plangate.tools.ledger import MemoryLedger
from plangate.tools.registry import Toolset


class Till:
    """Prices and orders; an order of something sold out is refused."""

    def __init__(self) -> None:
        self.prices = {"tea": 4, "cake": 6}
        self.sold_out = {"pie"}
        self.orders: list[dict[str, Any]] = []


@tool(effect="read")
async def get_price(item: str, ctx: ToolContext[Till]) -> int:
    """Price of an item."""
    if item not in ctx.deps.prices:
        raise ToolRefusedError(f"{item} is not on the menu", reason="not_found")
    return ctx.deps.prices[item]


@tool(effect="write")
async def place_order(item: str, qty: int, ctx: ToolContext[Till]) -> dict[str, Any]:
    """Order an item."""
    if item in ctx.deps.sold_out:
        raise ToolRefusedError(f"{item} is sold out", reason="sold_out")
    order = {"id": f"O{len(ctx.deps.orders) + 1}", "item": item, "qty": qty}
    ctx.deps.orders.append(order)
    return order


class Receipt(BaseModel):
    lines: list[str]


def _receipt(request: str, records: Mapping[str, Any]) -> Receipt:
    return Receipt(lines=[f"{sid}:{rec['status']}" for sid, rec in sorted(records.items())])


class CountingPlanner:
    """A planner for the re-plan option: orders tea instead; counts its calls."""

    def __init__(self) -> None:
        self.calls: list[PlanningContext] = []

    async def plan(self, context: PlanningContext, feedback: Sequence[PlanIssue] = ()) -> Plan:
        self.calls.append(context)
        return Plan(steps=[Step(id="tea", tool="place_order", args={"item": "tea", "qty": 1})])


def _engine(
    till: Till, planner: CountingPlanner, *, approve: bool = False, ledger: Any = None
) -> Engine:
    toolset = Toolset([get_price, place_order], deps=till)
    runtime = Runtime(
        toolset=toolset,
        executor=ToolExecutor(toolset, clock=FakeClock(), ledger=ledger),
        planner=planner,
        responder=FunctionResponder(_receipt),
        response_model=Receipt,
        guardrails=[ApproveWrites()] if approve else [],
        clock=FakeClock(),
    )
    return Engine(runtime)


ORDER = Plan(
    steps=[
        Step(id="price", tool="get_price", args={"item": "cake"}),
        Step(id="order", tool="place_order", args={"item": "cake", "qty": 2},
             condition="${price} < 10"),
    ]
)  # fmt: skip


async def test_a_fixed_plan_runs_without_asking_the_planner() -> None:
    till, planner = Till(), CountingPlanner()
    engine = _engine(till, planner)
    events = [e async for e in engine.stream_plan(ORDER, request="cake for two", thread_id="f")]
    result = await engine.result("f")
    assert result.status == "done"
    assert planner.calls == []
    assert till.orders == [{"id": "O1", "item": "cake", "qty": 2}]
    assert result.response == Receipt(lines=["order:done", "price:done"])
    ready = [e for e in events if isinstance(e, PlanReady)]
    assert len(ready) == 1
    assert ready[0].plan == ORDER.model_dump(mode="json")


async def test_its_literals_are_trusted_workflow_values_shown_to_the_approver() -> None:
    engine = _engine(Till(), CountingPlanner(), approve=True)
    paused = await engine.run_plan(ORDER, request="an order", thread_id="w")
    assert paused.status == "paused"
    (asked,) = paused.approvals
    labels = {label["path"]: label for label in asked["provenance"]["arguments"]}
    assert asked["provenance"]["trusted_control"] is True
    assert [source["kind"] for source in labels["item"]["sources"]] == ["workflow"]
    assert labels["item"]["trusted"] is True
    # "two" is not "2": the quantity was written in the workflow, not found in the request.
    assert labels["qty"]["sources"][0]["kind"] == "workflow"
    done = await engine.resume("w", {"order": "approve"})
    assert done.status == "done"


async def test_a_literal_found_in_the_request_is_labelled_request_still() -> None:
    engine = _engine(Till(), CountingPlanner(), approve=True)
    paused = await engine.run_plan(ORDER, request="2 cake please", thread_id="r")
    labels = {lab["path"]: lab for lab in paused.approvals[0]["provenance"]["arguments"]}
    assert labels["item"]["sources"][0]["kind"] == "request"
    assert labels["qty"]["sources"][0]["kind"] == "request"


async def test_the_ledger_keeps_a_fixed_write_from_running_twice_on_the_same_thread() -> None:
    till, ledger = Till(), MemoryLedger()
    one = Plan(steps=[Step(id="order", tool="place_order", args={"item": "tea", "qty": 1})])
    await _engine(till, CountingPlanner(), ledger=ledger).run_plan(one, thread_id="same")
    again = await _engine(till, CountingPlanner(), ledger=ledger).run_plan(one, thread_id="same")
    assert again.status == "done"
    assert len(till.orders) == 1, "the second run must get the recorded result, not order again"


async def test_a_failed_step_ends_the_run_with_its_error_when_nothing_may_replan() -> None:
    till, planner = Till(), CountingPlanner()
    pie = Plan(steps=[Step(id="order", tool="place_order", args={"item": "pie", "qty": 1})])
    result = await _engine(till, planner).run_plan(pie, thread_id="p")
    assert result.status == "failed"
    assert result.error is not None
    assert result.error["type"] == "ToolRefusedError"
    assert "pie is sold out" in result.error["message"]
    assert "the plan is fixed" in result.error["message"]
    assert planner.calls == []


async def test_with_replan_the_planner_routes_around_a_failed_step() -> None:
    till, planner = Till(), CountingPlanner()
    pie = Plan(steps=[Step(id="order", tool="place_order", args={"item": "pie", "qty": 1})])
    result = await _engine(till, planner).run_plan(pie, thread_id="p", replan=True)
    assert result.status == "done"
    assert len(planner.calls) == 1
    assert "order" in planner.calls[0].failed
    assert till.orders == [{"id": "O1", "item": "tea", "qty": 1}]


async def test_an_invalid_fixed_plan_fails_with_every_issue_and_runs_nothing() -> None:
    till = Till()
    bad = Plan(
        steps=[
            Step(id="a", tool="get_prices", args={"item": "tea"}),
            Step(id="b", tool="place_order", args={"item": "tea", "qty": "${c}"}),
        ]
    )
    engine = _engine(till, CountingPlanner())
    events = [e async for e in engine.stream_plan(bad, thread_id="bad")]
    result = await engine.result("bad")
    assert result.status == "failed"
    assert result.error is not None
    assert result.error["type"] == "PlanValidationError"
    assert "get_prices" in result.error["message"]
    assert "'c'" in result.error["message"]
    assert [e.attempt for e in events if isinstance(e, PlanRejected)] == [1]
    assert till.orders == []


async def test_run_plan_refuses_what_is_not_a_plan() -> None:
    engine = _engine(Till(), CountingPlanner())
    with pytest.raises(UsageError, match="run_plan expects a Plan, got dict"):
        await engine.run_plan({"steps": []}, thread_id="x")  # type: ignore[arg-type]


def test_a_plan_loads_from_yaml_and_json(tmp_path: Path) -> None:
    yaml_file = tmp_path / "order.yaml"
    yaml_file.write_text(
        "steps:\n"
        "  - id: price\n    tool: get_price\n    args: {item: cake}\n"
        "  - id: order\n    tool: place_order\n    args: {item: cake, qty: 2}\n"
        '    condition: "${price} < 10"\n'
    )
    assert load_plan(yaml_file) == ORDER
    json_file = tmp_path / "order.json"
    json_file.write_text(ORDER.model_dump_json())
    assert load_plan(json_file) == ORDER


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("p.yaml", "steps:\n  - id: s1\n    args: {}\n", r"p.yaml: not a valid plan:\n  - step 1 \('s1'\), field tool: Field required"),
        ("p.yaml", "steps:\n  - id: s1\n    tool: t\n    args: {}\n  - {id: Bad, tool: t, args: {}}\n", r"step 2 \('Bad'\), field id: String should match"),
        ("p.json", '{"steps": [', r"p.json: not valid JSON"),
        ("p.yml", "steps: [", r"p.yml: not valid YAML"),
        ("p.yaml", "- just a list", r"p.yaml: a workflow is a mapping with 'steps'"),
        ("p.toml", "", r"p.toml: a workflow file ends in .json, .yaml, .yml"),
        ("p.yaml", "steps: []\nextra: 1\n", r"field extra: Extra inputs are not permitted"),
    ],
)  # fmt: skip
def test_a_bad_workflow_file_names_the_file_the_step_and_the_field(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(UsageError, match=expected):
        load_plan(path)


def test_a_missing_workflow_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"missing.yaml: cannot read the workflow"):
        load_plan(tmp_path / "missing.yaml")
    with pytest.raises(UsageError, match=r"in code: a workflow is a mapping"):
        parse_plan([1], source="in code")


async def test_a_fixed_plan_runs_as_a_plan_under_an_engine_made_for_react() -> None:
    till = Till()
    toolset = Toolset([get_price, place_order], deps=till)
    runtime = Runtime(
        toolset=toolset, executor=ToolExecutor(toolset, clock=FakeClock()),
        planner=CountingPlanner(), responder=FunctionResponder(_receipt),
        response_model=Receipt, clock=FakeClock(), strategy="react",
    )  # fmt: skip
    result = await Engine(runtime).run_plan(ORDER, thread_id="react")
    assert result.status == "done"
    assert till.orders == [{"id": "O1", "item": "cake", "qty": 2}]
