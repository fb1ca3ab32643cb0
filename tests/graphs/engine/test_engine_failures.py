"""How a run ends on a failure: a dead backend, a tool's exception, a block no re-plan gets past.

None of them may surface as a budget error, nor become a re-plan whose arguments are the error.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import respx
from langchain_core.messages import AIMessage

from plangate.graphs.engine.budget import Budget
from plangate.graphs.engine.build import Engine
from plangate.graphs.engine.events import Event, PlanRejected, Replanning, StepRetrying
from plangate.graphs.engine.plan import Plan
from plangate.graphs.engine.planner import NothingToPlanError, PlanningContext, PlanningError
from plangate.graphs.engine.runtime import Runtime, Strategy
from plangate.graphs.engine.validation import PlanIssue
from plangate.graphs.guards.policy import PolicyRules, Rule
from plangate.graphs.offline.scripted import ScriptedChatModel
from plangate.tools.base import ToolContext, tool
from plangate.tools.clock import FakeClock
from plangate.tools.executor import ToolExecutor
from plangate.tools.http import HttpBackend
from plangate.tools.registry import Toolset
from tests.graphs.engine.test_engine import (
    Answer,
    ScriptedPlanner,
    Shop,
    SumResponder,
    contact,
    get_price,
    place_order,
    step,
)

BASE = "http://127.0.0.1:9/market"


class MarketApi(HttpBackend):
    SERVICE = "market"


@tool(effect="read")
async def get_quote(symbol: str, ctx: ToolContext[MarketApi]) -> float:
    """The last price of a symbol."""
    body: dict[str, float] = await ctx.deps.get_json(f"/quotes/{symbol}", dict[str, float])
    return body["price"]


@tool(effect="read")
async def broken(item: str) -> int:
    """A tool with a bug."""
    raise ValueError(f"cannot parse {item}")


def engine(
    planner: Any,
    *,
    guardrails: Sequence[Any] = (),
    budget: Budget | None = None,
    strategy: Strategy = "plan",
    model: ScriptedChatModel | None = None,
) -> tuple[Engine, FakeClock]:
    fake = FakeClock(datetime(2026, 3, 2, 15, 0, tzinfo=UTC))
    toolset = (
        Toolset([get_price, place_order], deps=Shop())
        .merge(Toolset([get_quote], deps=MarketApi(BASE, clock=fake)))
        .merge(Toolset([contact, broken]))
    )
    runtime = Runtime(
        toolset=toolset, executor=ToolExecutor(toolset, clock=fake), planner=planner,
        responder=SumResponder(), response_model=Answer, guardrails=guardrails,
        budget=budget or Budget(), clock=fake, strategy=strategy, react_model=model,
    )  # fmt: skip
    return Engine(runtime), fake


async def collect(run: Engine, request: str, thread: str = "t") -> list[Event]:
    return [event async for event in run.stream(request, thread_id=thread)]


@respx.mock
async def test_a_dead_backend_ends_the_run_with_its_error_after_announced_retries() -> None:
    route = respx.get(f"{BASE}/quotes/AAPL").mock(side_effect=httpx.ConnectError("refused"))
    # Asked once only: a second plan would raise "planner asked more times than scripted".
    planner = ScriptedPlanner(
        {"steps": [step("quote", "get_quote", args={"symbol": "AAPL"}),
                   step("tea", "get_price", args={"item": "tea"})]}
    )  # fmt: skip
    run, fake = engine(planner)
    events = await collect(run, "price of AAPL")
    result = await run.result("t")
    assert result.status == "failed"
    assert result.error is not None
    assert result.error["type"] == "BackendError"
    assert (result.error["service"], result.error["step"], result.error["tool"]) == (
        "market", "quote", "get_quote",
    )  # fmt: skip
    assert "status" not in result.error  # a transport failure has none
    assert result.error["message"].startswith("market: cannot connect")
    assert "step quote (get_quote) gave up after 4 attempts" in result.error["message"]
    assert "\n" not in result.error["message"]
    assert route.call_count == 4
    retries = [e for e in events if isinstance(e, StepRetrying)]
    assert [(e.step_id, e.attempt, e.max_attempts, e.service) for e in retries] == [
        ("quote", 2, 4, "market"), ("quote", 3, 4, "market"), ("quote", 4, 4, "market"),
    ]  # fmt: skip
    assert [e.delay for e in retries] == fake.sleeps
    assert not [e for e in events if isinstance(e, Replanning)]
    assert len(planner.contexts) == 1
    assert result.steps["tea"]["status"] == "done"  # its wave finished before the run ended


@respx.mock
async def test_a_server_answering_503_ends_the_run_naming_service_and_status() -> None:
    respx.get(f"{BASE}/quotes/AAPL").respond(503, json={"error": {"message": "maintenance"}})
    planner = ScriptedPlanner({"steps": [step("quote", "get_quote", args={"symbol": "AAPL"})]})
    run, _ = engine(planner)
    result = await run.run("price of AAPL", thread_id="t")
    assert result.error is not None
    assert (result.error["type"], result.error["service"], result.error["status"]) == (
        "BackendError", "market", "503",
    )  # fmt: skip
    assert "market: HTTP 503: maintenance" in result.error["message"]


@respx.mock
async def test_under_react_a_dead_backend_ends_the_run_before_the_model_sees_the_error() -> None:
    respx.get(f"{BASE}/quotes/AAPL").mock(side_effect=httpx.ConnectError("refused"))
    call = AIMessage(
        content="", tool_calls=[{"name": "get_quote", "args": {"symbol": "AAPL"}, "id": "c1"}]
    )
    model = ScriptedChatModel([call])  # a second turn would exhaust the script
    run, _ = engine(ScriptedPlanner(), strategy="react", model=model)
    events = await collect(run, "price of AAPL")
    result = await run.result("t")
    assert result.error is not None
    assert (result.error["type"], result.error["service"]) == ("BackendError", "market")
    assert len([e for e in events if isinstance(e, StepRetrying)]) == 3
    assert model.remaining == 0
    assert len(model.requests) == 1


async def test_an_exception_in_a_tool_ends_the_run_as_a_tool_error_naming_step_and_cause() -> None:
    planner = ScriptedPlanner({"steps": [step("a", "broken", args={"item": "tea"})]})
    run, _ = engine(planner)
    result = await run.run("break", thread_id="t")
    assert result.status == "failed"
    assert result.error is not None
    assert result.error["type"] == "ToolError"
    assert "broken raised ValueError: cannot parse tea" in result.error["message"]
    assert "step a (broken)" in result.error["message"]


async def test_a_call_blocked_at_every_replan_ends_blocked_not_out_of_budget() -> None:
    four = {"steps": [step("order", "place_order", args={"item": "tea", "qty": 4})]}
    rules = PolicyRules(
        [Rule(tool="place_order", field="qty", op="<=", value=3, message="max 3 per order")]
    )
    run, _ = engine(
        ScriptedPlanner(four, four, four), guardrails=[rules], budget=Budget(max_replans=2)
    )
    result = await run.run("order four teas", thread_id="t")
    assert result.status == "blocked"
    assert result.error is not None
    assert result.error["type"] == "GuardrailBlockedError"
    message = result.error["message"]
    assert message.startswith("step order (place_order) was refused: blocked by policy_rules")
    assert "max 3 per order" in message


class GivesUp:
    """Plans once, then cannot plan around the failure (like an intent with no alternative)."""

    def __init__(self, first: dict[str, Any], then: type[Exception]) -> None:
        self.first: dict[str, Any] | None = first
        self.then = then
        self.asked = 0

    async def plan(self, context: PlanningContext, feedback: Sequence[PlanIssue] = ()) -> Plan:
        self.asked += 1
        if self.first is not None:
            first, self.first = self.first, None
            return Plan.model_validate(first)
        raise self.then(f"no alternative to {', '.join(context.failed)}")


async def test_a_replan_that_finds_no_way_around_a_refusal_ends_with_the_refusal() -> None:
    planner = GivesUp({"steps": [step("a", "get_price", args={"item": "scone"})]}, PlanningError)
    run, _ = engine(planner)
    result = await run.run("scone price", thread_id="t")
    assert result.status == "failed"
    assert result.error is not None
    assert result.error["type"] == "ToolRefusedError"
    assert result.error["message"].startswith("step a (get_price) failed: unknown item scone")
    assert "no alternative to a" in result.error["message"]


async def test_a_replan_with_nothing_to_add_and_nothing_done_answers_why() -> None:
    planner = GivesUp(
        {"steps": [step("a", "get_price", args={"item": "scone"})]}, NothingToPlanError
    )
    run, _ = engine(planner)
    result = await run.run("scone price", thread_id="t")
    assert result.status == "done", result.error
    assert result.response == Answer(summary="a=failed", total=0)
    assert planner.asked == 2


async def test_a_replan_that_puts_the_error_text_into_arguments_is_rejected() -> None:
    quoting = {"steps": [step("why", "contact", args={"name": "unknown item scone-deluxe"})]}
    honest = {"steps": [step("b", "get_price", args={"item": "tea"})]}
    planner = ScriptedPlanner(
        {"steps": [step("a", "get_price", args={"item": "scone-deluxe"})]}, quoting, honest
    )
    run, _ = engine(planner)
    events = await collect(run, "scone price")
    result = await run.result("t")
    assert result.status == "done"
    (rejected,) = [e for e in events if isinstance(e, PlanRejected)]
    assert "step why, args.name: quotes the error of a failed step" in rejected.issues[0]
    assert "why" not in result.steps
    assert planner.feedback[2][0].code == "invalid_args"


@pytest.mark.parametrize(
    "value",
    ["market: cannot connect (ConnectError: All connection attempts failed)",
     "  Cannot connect (ConnectError: all connection attempts failed) ",
     "see $${quote.price}: the value is not there at all"],
)  # fmt: skip
def test_quoting_is_found_with_or_without_the_service_prefix(value: str) -> None:
    from plangate.graphs.engine.failures import quoted_failures

    failed = {
        "quote": "market: cannot connect (ConnectError: All connection attempts failed)",
        "x": "${quote.price}: the value is not there at all",
    }
    plan = Plan.model_validate({"steps": [step("s", "contact", args={"name": [value]})]})
    (issue,) = quoted_failures(plan, failed, keep=set())
    assert issue.field == "args.name[0]"
    assert quoted_failures(plan, failed, keep={"s"}) == []
    fine = Plan.model_validate({"steps": [step("s", "contact", args={"name": "market news"})]})
    assert quoted_failures(fine, failed, keep=set()) == []
