"""A small tea-shop agent whose runs are recorded under ``tests/traces/shop/`` and replayed.

``live(...)`` builds it over a real (in-process) ``Till`` backend; ``replica(parts)`` builds it
for a replay, with no backend at all. ``CASES`` records each committed trace; regenerate them
with ``pytest tests/graphs/traces/test_trace_files.py --record-traces``.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from langchain_core.messages import AIMessage
from pydantic import BaseModel, Field

from plangate.agents import Agent, AgentSpec
from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.engine.planner import PlanningContext
from plangate.graphs.engine.runtime import Strategy
from plangate.graphs.guards.policy import ApproveWrites
from plangate.graphs.offline.grammar import Grammar, Intent
from plangate.graphs.offline.scripted import ScriptedChatModel, plan_message, tool_call_message
from plangate.graphs.traces.replay import RunParts
from plangate.tools import Toolset, tool
from plangate.tools.base import ToolContext
from plangate.tools.clock import FakeClock
from plangate.tools.errors import ToolRefusedError

TRACES = Path(__file__).resolve().parent
CARD = "4111 1111 1111 1111"  # Luhn-valid: must never reach a trace unredacted


class NotOnMenuError(ToolRefusedError):
    """The shop does not sell that (a tool error of the project's own, replayed by name)."""


class Till:
    """The shop's backend: prices, stock and orders (in process, deterministic)."""

    def __init__(self) -> None:
        self.prices = {"tea": 4, "cake": 6, "pie": 9}
        self.orders: dict[str, dict[str, Any]] = {}


class OrderArgs(BaseModel):
    item: str = Field(description="What to order, e.g. 'tea'.")
    qty: int = Field(default=1, ge=1, le=10)


class Order(BaseModel):
    id: str
    item: str
    qty: int
    total: int


@tool(effect="read")
async def get_price(item: str, ctx: ToolContext[Till]) -> int:
    """Price of one item, in euros."""
    await ctx.clock.sleep(0.05)  # on the fake clock: lets parallel price checks overlap
    if item not in ctx.deps.prices:
        raise NotOnMenuError(f"we do not sell {item}", reason="not_found", hint="tea, cake or pie")
    return ctx.deps.prices[item]


@tool(effect="write")
async def place_order(args: OrderArgs, ctx: ToolContext[Till]) -> Order:
    """Order an item for the customer."""
    assert ctx.idempotency_key
    order = Order(
        id=f"O{len(ctx.deps.orders) + 1}",
        item=args.item,
        qty=args.qty,
        total=ctx.deps.prices[args.item] * args.qty,
    )
    ctx.deps.orders.setdefault(ctx.idempotency_key, order.model_dump())
    return order


@tool(effect="read")
async def card_on_file(name: str, ctx: ToolContext[Till]) -> str:
    """The payment card a customer keeps on file."""
    return f"{name} pays with card {CARD}"


TOOLS = (get_price, place_order, card_on_file)


class Receipt(BaseModel):
    summary: str
    total: int = 0


def _items(text: str) -> list[str]:
    return [item for item in re.split(r"\s*(?:,|\band\b)\s*", text.strip()) if item]


def _prices(match: re.Match[str], ctx: PlanningContext) -> Plan:
    items = _items(match["items"])
    return Plan(steps=[Step(id=f"p{n}", tool="get_price", args={"item": item})
                       for n, item in enumerate(items, 1)])  # fmt: skip


def _order(match: re.Match[str], ctx: PlanningContext) -> Plan:
    args = {"item": match["item"], "qty": int(match["qty"])}
    return Plan(steps=[Step(id="price", tool="get_price", args={"item": match["item"]}),
                       Step(id="order", tool="place_order", args=args, depends_on=["price"])])  # fmt: skip


def _card(match: re.Match[str], ctx: PlanningContext) -> Plan:
    return Plan(steps=[Step(id="card", tool="card_on_file", args={"name": match["name"]})])


GRAMMAR = Grammar([
    Intent("order", "Order an item", ("order 2 tea",), (r"\border (?P<qty>\d+) (?P<item>\w+)",), _order),
    Intent("prices", "Prices of items", ("prices of tea and cake",), (r"\bprices? of (?P<items>[\w ,]+)",), _prices),
    Intent("card", "A customer's card", ("card of ana",), (r"\bcard of (?P<name>\w+)",), _card),
])  # fmt: skip


def answer(request: str, steps: Mapping[str, Any]) -> Receipt:
    """The offline answer: every step's outcome, and the prices added up."""
    parts, total = [], 0
    for sid, record in sorted(steps.items()):
        result = record.get("result")
        parts.append(f"{sid}={record['status']}" + (f":{result}" if result is not None else ""))
        total += result if isinstance(result, int) else 0
    return Receipt(summary="; ".join(parts), total=total)


SPEC = AgentSpec(
    name="shop",
    description="Quotes prices and takes orders in a tea shop",
    instructions="You run a small tea shop. Quote prices in euros; never invent one.",
    tools=tuple(t.name for t in TOOLS),
    response_model=Receipt,
    policy=lambda toolset: (ApproveWrites(),),
    grammar=GRAMMAR,
    offline_answer=answer,
)


def live(model: Any = None, *, strategy: Strategy = "plan", till: Till | None = None) -> Agent:
    """The shop over a real till (a fixed clock keeps prompts' dates stable)."""
    toolset = Toolset(TOOLS, deps=till or Till())
    return Agent(SPEC, toolset, model=model, strategy=strategy, clock=FakeClock())


def replica(parts: RunParts) -> Agent:
    """The shop built for a replay: no till is ever constructed."""
    return Agent(
        SPEC, Toolset(TOOLS, deps=parts.deps), model=parts.model, strategy=parts.strategy,
        clock=parts.clock, executor=parts.executor,
    )  # fmt: skip


def planning_script() -> list[AIMessage]:
    """A plan of two parallel price checks, then the answer."""
    plan = Plan(steps=[Step(id="a", tool="get_price", args={"item": "tea"}),
                       Step(id="b", tool="get_price", args={"item": "cake"})])  # fmt: skip
    receipt = tool_call_message("Receipt", {"summary": "tea 4, cake 6", "total": 10})
    return [plan_message(plan), receipt]


def planning_model() -> ScriptedChatModel:
    """Plans two parallel price checks, then answers."""
    return ScriptedChatModel(planning_script())


def react_model() -> ScriptedChatModel:
    """Calls two tools at once, then stops and answers."""
    calls = AIMessage(content="", tool_calls=[
        {"name": "get_price", "args": {"item": "tea"}, "id": "c1"},
        {"name": "get_price", "args": {"item": "cake"}, "id": "c2"},
    ])  # fmt: skip
    receipt = tool_call_message("Receipt", {"summary": "tea 4, cake 6", "total": 10})
    return ScriptedChatModel([calls, AIMessage(content="tea 4, cake 6"), receipt])


OPENAI_LOG: list[dict[str, Any]] = [
    {"role": "system", "content": "You are a helpful tea shop assistant."},
    {"role": "user", "content": "How much are tea and pie?"},
    {"role": "assistant", "content": None, "tool_calls": [
        {"id": "call_1", "type": "function",
         "function": {"name": "get_price", "arguments": '{"item": "tea"}'}},
        {"id": "call_2", "type": "function",
         "function": {"name": "get_price", "arguments": '{"item": "pie"}'}},
    ]},
    {"role": "tool", "tool_call_id": "call_1", "content": "4"},
    {"role": "tool", "tool_call_id": "call_2", "content": "9"},
    {"role": "assistant", "content": '{"summary": "Tea is 4 euros and pie 9.", "total": 13}'},
]  # fmt: skip


async def _record(agent: Agent, path: Path, *steps: str | dict[str, Any]) -> None:
    with agent.record(path):
        thread = "t1"
        for step in steps:
            if isinstance(step, str):
                await agent.run(step, thread_id=thread)
            else:
                await agent.resume(thread, step)


async def _record_import(path: Path) -> None:
    from plangate.graphs.traces.openai_import import import_openai

    trace = await import_openai(OPENAI_LOG, replica, agent="shop", thread_id="t1")
    trace.write(path)


CASES: dict[str, Callable[[Path], Awaitable[None]]] = {
    "offline_prices": lambda p: _record(live(), p, "prices of tea, cake and pie"),
    "offline_unknown_item": lambda p: _record(live(), p, "prices of tea and coffee"),
    "offline_order": lambda p: _record(live(), p, "order 2 tea", {"order": "approve"}),
    "plan_model": lambda p: _record(live(planning_model()), p, "prices of tea and cake"),
    "react_model": lambda p: _record(live(react_model(), strategy="react"), p, "tea and cake?"),
    "openai_import": _record_import,
}
"""Case name → records ``tests/traces/shop/<case>.jsonl`` (given the path)."""
