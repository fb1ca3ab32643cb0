"""The engine end to end: parallel waves, conditions, re-plans, approvals, budgets, guardrails."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from pydantic import BaseModel

from plangate.graphs.engine.budget import Budget
from plangate.graphs.engine.build import Engine
from plangate.graphs.engine.events import ApprovalRequested, PlanReady, StepFinished, StepStarted
from plangate.graphs.engine.plan import Plan
from plangate.graphs.engine.planner import PlanningContext
from plangate.graphs.engine.runtime import Runtime
from plangate.graphs.engine.validation import PlanIssue
from plangate.graphs.guards.guardrails import Stage
from plangate.graphs.guards.pii import PIIRedaction
from plangate.graphs.guards.policy import ApproveWrites, MaxLength, PolicyRules, Rule
from plangate.tools.base import ToolContext, tool
from plangate.tools.clock import FakeClock
from plangate.tools.errors import ToolRefusedError, UsageError
from plangate.tools.executor import ToolExecutor
from plangate.tools.registry import Toolset


class Shop:
    """A stateful backend: prices, stock, orders by idempotency key; counts concurrency."""

    def __init__(self) -> None:
        self.prices = {"tea": 4, "cake": 6, "pie": 9}
        self.stock = {"tea": 5, "cake": 1, "pie": 0}
        self.orders: dict[str, dict[str, Any]] = {}
        self.calls: list[str] = []
        self.active = 0
        self.peak = 0

    async def price(self, item: str) -> int:
        self.calls.append(f"price:{item}")
        self.active += 1
        self.peak = max(self.peak, self.active)
        await asyncio.sleep(0.01)  # real latency so parallel waves overlap
        self.active -= 1
        if item not in self.prices:
            raise ToolRefusedError(f"unknown item {item}", reason="not_found")
        return self.prices[item]

    async def order(self, item: str, qty: int, key: str) -> dict[str, Any]:
        self.calls.append(f"order:{item}")
        if key in self.orders:
            return self.orders[key]
        if self.stock[item] < qty:
            raise ToolRefusedError(f"{item} is sold out", reason="sold_out", hint="order tea")
        self.stock[item] -= qty
        self.orders[key] = {"id": f"O{len(self.orders) + 1}", "item": item, "qty": qty}
        return self.orders[key]


@tool(effect="read")
async def get_price(item: str, ctx: ToolContext[Shop]) -> int:
    """Price of an item."""
    return await ctx.deps.price(item)


class OrderArgs(BaseModel):
    item: str
    qty: int = 1
    note: str = ""


async def find_order(ctx: ToolContext[Shop], key: str) -> dict[str, Any] | None:
    return ctx.deps.orders.get(key)


@tool(effect="write", reconciler=find_order, conflict_key=lambda a: a.item)
async def place_order(args: OrderArgs, ctx: ToolContext[Shop]) -> dict[str, Any]:
    """Order an item."""
    assert ctx.idempotency_key
    return await ctx.deps.order(args.item, args.qty, ctx.idempotency_key)


@tool(effect="read")
async def contact(name: str) -> str:
    """Contact details of a person."""
    return f"{name} <{name.lower()}@example.com>, +351 912 345 678"


class Answer(BaseModel):
    summary: str
    total: int = 0


class ScriptedPlanner:
    """Returns the scripted plans in order; records every context it saw."""

    def __init__(self, *plans: dict[str, Any]) -> None:
        self.plans = list(plans)
        self.contexts: list[PlanningContext] = []
        self.feedback: list[list[PlanIssue]] = []

    async def plan(self, context: PlanningContext, feedback: Sequence[PlanIssue] = ()) -> Plan:
        self.contexts.append(context)
        self.feedback.append(list(feedback))
        if not self.plans:
            raise AssertionError("planner asked more times than scripted")
        return Plan.model_validate(self.plans.pop(0))


class SumResponder:
    """Sums the results that are numbers; can be scripted to fail validation first."""

    def __init__(self, bad_first: int = 0) -> None:
        self.bad_first = bad_first
        self.feedback: list[list[str]] = []

    async def respond(
        self,
        request: str,
        results: Mapping[str, Any],
        schema: type[BaseModel],
        feedback: Sequence[str] = (),
    ) -> BaseModel | dict[str, Any]:
        self.feedback.append(list(feedback))
        if self.bad_first:
            self.bad_first -= 1
            return {"total": "lots"}
        done = {sid: r for sid, r in results.items() if r["status"] == "done"}
        total = sum(r["result"] for r in done.values() if isinstance(r["result"], int))
        texts = [r["result"] for r in done.values() if isinstance(r["result"], str)]
        statuses = ",".join(f"{sid}={r['status']}" for sid, r in sorted(results.items()))
        return Answer(summary=" ".join([statuses, *texts]), total=total)


def engine(
    planner: ScriptedPlanner,
    shop: Shop,
    *,
    guardrails: Sequence[Any] = (),
    responder: SumResponder | None = None,
    budget: Budget | None = None,
) -> Engine:
    toolset = Toolset([get_price, place_order], deps=shop).merge(Toolset([contact]))
    runtime = Runtime(
        toolset=toolset,
        executor=ToolExecutor(toolset, clock=FakeClock()),
        planner=planner,
        responder=responder or SumResponder(),
        response_model=Answer,
        guardrails=guardrails,
        budget=budget or Budget(),
        clock=FakeClock(),
    )
    return Engine(runtime)


def step(sid: str, tool_name: str, **kwargs: Any) -> dict[str, Any]:
    return {"id": sid, "tool": tool_name, **kwargs}


async def test_independent_reads_run_in_parallel_and_references_flow() -> None:
    shop = Shop()
    planner = ScriptedPlanner(
        {
            "steps": [
                step("a", "get_price", args={"item": "tea"}),
                step("b", "get_price", args={"item": "cake"}),
                step("c", "get_price", args={"item": "pie"}),
                step(
                    "d", "place_order", args={"item": "tea", "qty": "${a}", "note": "${b} and ${c}"}
                ),
            ]
        }
    )
    run = engine(planner, shop)
    events = [e async for e in run.stream("price check", thread_id="t1")]
    result = await run.result("t1")
    assert result.status == "done"
    assert shop.peak == 3, "the three reads did not overlap"
    assert result.steps["d"]["args"] == {"item": "tea", "qty": 4, "note": "6 and 9"}
    assert result.response == Answer(summary="a=done,b=done,c=done,d=done", total=19)
    kinds = [e.kind for e in events]
    assert kinds[:2] == ["run_started", "plan_ready"]
    assert kinds[-1] == "final"
    started = [e.step_id for e in events if isinstance(e, StepStarted)]
    assert sorted(started[:3]) == ["a", "b", "c"]
    assert started[3] == "d"
    assert result.usage["tool_calls"] == 4


async def test_false_condition_skips_the_step_and_its_dependents() -> None:
    shop = Shop()
    planner = ScriptedPlanner(
        {
            "steps": [
                step("a", "get_price", args={"item": "pie"}),
                step("b", "place_order", args={"item": "pie"}, condition="${a} < 5"),
                step("c", "get_price", args={"item": "tea"}, depends_on=["b"]),
                step("d", "get_price", args={"item": "cake"}, condition="${a} >= 5"),
            ]
        }
    )
    result = await engine(planner, shop).run("buy pie if cheap")
    statuses = {sid: rec["status"] for sid, rec in result.steps.items()}
    assert statuses == {"a": "done", "b": "skipped", "c": "skipped", "d": "done"}
    assert not any(call.startswith("order") for call in shop.calls)


async def test_a_failed_step_triggers_a_replan_that_keeps_completed_steps() -> None:
    shop = Shop()
    planner = ScriptedPlanner(
        {
            "steps": [
                step("a", "get_price", args={"item": "cake"}),
                step("b", "place_order", args={"item": "pie"}),
            ]
        },
        {
            "steps": [
                step("a", "get_price", args={"item": "cake"}),
                step("b", "place_order", args={"item": "cake"}),
            ]
        },
    )
    result = await engine(planner, shop).run("order something")
    assert result.status == "done"
    assert shop.calls.count("price:cake") == 1, "a completed step ran again"
    assert result.steps["b"]["result"]["item"] == "cake"
    replan_context = planner.contexts[1]
    assert replan_context.completed == {"a": 6}
    assert "sold out" in replan_context.failed["b"]
    assert result.usage["replans"] == 1


async def test_invalid_plans_are_repaired_with_feedback_then_the_budget_stops_them() -> None:
    bad = {"steps": [step("a", "get_prize", args={"item": "tea"})]}
    good = {"steps": [step("a", "get_price", args={"item": "tea"})]}
    planner = ScriptedPlanner(bad, good)
    result = await engine(planner, Shop()).run("price of tea")
    assert result.status == "done"
    assert planner.feedback[1][0].code == "unknown_tool"
    assert result.usage["retries"] == 1

    stubborn = ScriptedPlanner(bad, bad, bad)
    failed = await engine(stubborn, Shop(), budget=Budget(max_retries=2)).run("price of tea")
    assert failed.status == "failed"
    assert failed.error is not None
    assert failed.error["type"] == "BudgetExceededError"
    assert "get_prize" in failed.error["message"]


async def test_writes_pause_for_approval_together_and_resume_per_decision() -> None:
    shop = Shop()
    planner = ScriptedPlanner(
        {
            "steps": [
                step("a", "place_order", args={"item": "tea", "qty": 1}),
                step("b", "place_order", args={"item": "cake", "qty": 1}),
                step("c", "get_price", args={"item": "tea"}),
            ]
        },
        {"steps": [step("x", "get_price", args={"item": "pie"})]},
    )
    run = engine(planner, shop, guardrails=[ApproveWrites()])
    events = [e async for e in run.stream("order tea and cake", thread_id="t")]
    paused = await run.result("t")
    assert paused.status == "paused"
    assert [a["id"] for a in paused.approvals] == ["a", "b"]
    assert (
        next(e for e in events if isinstance(e, ApprovalRequested)).approvals[0]["tool"]
        == "place_order"
    )
    assert shop.orders == {}
    assert shop.calls == [], "nothing of the wave ran before the decisions"

    with pytest.raises(UsageError, match="missing decisions for b"):
        await run.resume("t", {"a": "approve"})
    with pytest.raises(UsageError, match="decision for b is invalid"):
        await run.resume("t", {"a": "approve", "b": "maybe"})
    with pytest.raises(UsageError, match="gives no args"):
        await run.resume("t", {"a": "approve", "b": {"action": "edit"}})

    done = await run.resume(
        "t",
        {
            "a": {"action": "edit", "args": {"qty": 2}},
            "b": {"action": "reject", "reason": "no cake"},
        },
    )
    assert done.status == "done"
    assert [o["qty"] for o in shop.orders.values()] == [2]
    assert "rejected by a person: no cake" in planner.contexts[1].failed["b"]
    human = [v for v in done.verdicts if v["guardrail"] == "human"]
    assert [v["details"]["decision"] for v in human] == ["edit", "reject"]
    with pytest.raises(UsageError, match="not waiting"):
        await run.resume("t", {"a": "approve"})


async def test_policy_rule_blocks_a_call_before_its_effect() -> None:
    shop = Shop()
    planner = ScriptedPlanner(
        {"steps": [step("a", "place_order", args={"item": "tea", "qty": 4})]},
        {"steps": [step("a", "place_order", args={"item": "tea", "qty": 2})]},
    )
    rules = PolicyRules(
        [Rule(tool="place_order", field="qty", op="<=", value=3, message="max 3 per order")]
    )
    result = await engine(planner, shop, guardrails=[rules]).run("order four teas")
    assert result.status == "done"
    assert [o["qty"] for o in shop.orders.values()] == [2]
    assert any(v["reason"] == "max 3 per order" for v in result.verdicts)


async def test_input_guardrail_blocks_and_results_are_redacted() -> None:
    blocked = await engine(ScriptedPlanner(), Shop(), guardrails=[MaxLength(max_chars=10)]).run(
        "a request that is far too long"
    )
    assert blocked.status == "blocked"
    assert blocked.error is not None
    assert "max_length" in blocked.error["message"] or "10" in blocked.error["message"]

    planner = ScriptedPlanner({"steps": [step("a", "contact", args={"name": "Ana"})]})
    guard = PIIRedaction(stages=[Stage.TOOL_RESULT])
    result = await engine(planner, Shop(), guardrails=[guard]).run("how do I reach Ana")
    assert "@example.com" not in str(result.steps["a"]["result"])
    assert "912 345 678" not in str(result.steps["a"]["result"])
    assert result.response is not None
    assert "Ana" in result.response.model_dump()["summary"]


async def test_the_tool_call_budget_stops_a_wave_before_it_calls_anything() -> None:
    steps = [step(name, "get_price", args={"item": name}) for name in ("tea", "cake", "pie")]
    shop = Shop()
    result = await engine(
        ScriptedPlanner({"steps": steps}), shop, budget=Budget(max_tool_calls=2)
    ).run("three prices")
    assert result.status == "failed"
    assert result.error is not None
    assert result.error["type"] == "BudgetExceededError"
    assert "tool_calls budget (3 > 2)" in result.error["message"]
    assert shop.calls == []

    roomy = await engine(
        ScriptedPlanner({"steps": steps}), Shop(), budget=Budget(max_tool_calls=3)
    ).run("three prices")
    assert roomy.status == "done"
    assert roomy.usage["tool_calls"] == 3


async def test_output_is_repaired_within_the_budget() -> None:
    planner = ScriptedPlanner({"steps": [step("a", "get_price", args={"item": "tea"})]})
    responder = SumResponder(bad_first=1)
    result = await engine(planner, Shop(), responder=responder).run("tea price")
    assert result.status == "done"
    assert any("total" in line for line in responder.feedback[1])

    planner = ScriptedPlanner({"steps": [step("a", "get_price", args={"item": "tea"})]})
    failed = await engine(
        planner, Shop(), responder=SumResponder(bad_first=5), budget=Budget(max_retries=1)
    ).run("tea price")
    assert failed.status == "failed"
    assert failed.error is not None
    assert failed.error["type"] == "OutputValidationError"


async def test_replans_are_bounded() -> None:
    always_pie = {"steps": [step("a", "place_order", args={"item": "pie"})]}
    planner = ScriptedPlanner(always_pie, always_pie, always_pie)
    result = await engine(planner, Shop(), budget=Budget(max_replans=1)).run("pie please")
    assert result.status == "failed"
    assert result.error is not None
    assert "replans" in result.error["message"]
    assert "sold out" in result.error["message"]


async def test_step_events_report_every_outcome() -> None:
    planner = ScriptedPlanner({"steps": [step("a", "get_price", args={"item": "tea"})]})
    events = [e async for e in engine(planner, Shop()).stream("tea")]
    finished = [e for e in events if isinstance(e, StepFinished)]
    assert [(e.step_id, e.status, e.summary) for e in finished] == [("a", "done", "4")]
    assert isinstance(events[1], PlanReady)


async def test_a_rejected_step_skips_its_dependents_and_the_planner_is_told() -> None:
    shop = Shop()
    planner = ScriptedPlanner(
        {
            "steps": [
                step("a", "place_order", args={"item": "tea"}),
                step("b", "get_price", args={"item": "cake"}, depends_on=["a"]),
            ]
        },
        {"steps": [step("c", "get_price", args={"item": "tea"})]},
    )
    run = engine(planner, shop, guardrails=[ApproveWrites()])
    paused = await run.run("tea then cake", thread_id="rj")
    assert [a["id"] for a in paused.approvals] == ["a"]
    done = await run.resume("rj", {"a": {"action": "reject", "reason": "not today"}})
    assert done.status == "done"
    assert shop.orders == {}
    assert "price:cake" not in shop.calls
    assert "not today" in planner.contexts[1].failed["a"]
    state = await run.graph.aget_state({"configurable": {"thread_id": "rj"}})
    history = {rec["step_id"]: rec for rec in state.values["history"]}
    assert history["b"]["status"] == "skipped"
    assert "depends on a, which was rejected" in history["b"]["error"]


async def test_a_condition_that_cannot_be_evaluated_fails_its_step_not_the_engine() -> None:
    planner = ScriptedPlanner(
        {
            "steps": [
                step("a", "get_price", args={"item": "tea"}),
                step("b", "get_price", args={"item": "cake"}, condition="${a.missing} > 1"),
            ]
        },
        {"steps": [step("c", "get_price", args={"item": "pie"})]},
    )
    result = await engine(planner, Shop()).run("conditional")
    assert result.status == "done"
    assert "condition" in planner.contexts[1].failed["b"]


class DoneAfterFailurePlanner(ScriptedPlanner):
    """Plans once; on the re-plan says that what is done already answers the request."""

    async def plan(self, context: PlanningContext, feedback: Sequence[PlanIssue] = ()) -> Plan:
        if context.failed:
            from plangate.graphs.engine.planner import NothingToPlanError

            self.contexts.append(context)
            raise NothingToPlanError("the price is enough")
        return await super().plan(context, feedback)


async def test_a_replan_with_nothing_to_add_answers_with_what_is_done() -> None:
    planner = DoneAfterFailurePlanner(
        {
            "steps": [
                step("a", "get_price", args={"item": "tea"}),
                step("b", "place_order", args={"item": "pie"}),
            ]
        }
    )
    responder = SumResponder()
    result = await engine(planner, Shop(), responder=responder).run("tea price, pie if any")
    assert result.status == "done"
    assert result.response is not None
    # the responder saw the retired failure too, so the answer can say why pie is missing
    assert result.response.model_dump()["summary"] == "a=done,b=failed"
    assert result.usage.get("retries", 0) == 0


async def test_only_an_interrupted_run_can_be_recovered() -> None:
    planner = ScriptedPlanner({"steps": [step("a", "get_price", args={"item": "tea"})]})
    run = engine(planner, Shop())
    done = await run.run("tea", thread_id="fin")
    assert done.status == "done"
    with pytest.raises(UsageError, match="nothing to recover: it is done"):
        await run.recover("fin")
