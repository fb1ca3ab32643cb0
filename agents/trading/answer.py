"""The offline answer: a ``TradeReport`` built from the step records, never from guesses.

The engine hands over ``{step_id: {tool, args, status, result, error}}``. Figures, orders and
research passages are copied from the results (``plangate.agents.trading.figures``). An order that
was not placed has no result and, when a guardrail or the condition stopped it, no arguments in its
record either; its details come from the plan the grammar makes of the same request (the plan
that ran), and its reason from the record: the condition and the values it read, the blocking
guardrail's words with their figures, the person's rejection, the broker's refusal — or, after
a re-plan, the ``why_<step>`` step that carries that reason (``plangate.agents.trading.replan``).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_FLOOR
from typing import Any

from plangate.agents.trading import figures as read
from plangate.agents.trading.grammar import GRAMMAR
from plangate.agents.trading.plans import ACCOUNT, POSITIONS, QUOTE
from plangate.agents.trading.replan import BLOCKED, CONDITION_FALSE, REJECTED, explained
from plangate.agents.trading.response import Problem, SkippedOrder, SkipReason, TradeReport
from plangate.agents.trading.slots import read_notional
from plangate.agents.trading.summary import summarize
from plangate.graphs.engine.conditions import parse_condition
from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.engine.planner import PlanningContext
from plangate.graphs.engine.references import lookup
from plangate.tools.domains.broker.models import OrderSide, OrderType
from plangate.tools.errors import PlangateError


def answer(request: str, steps: Mapping[str, Any]) -> TradeReport:
    """The trade report for ``request`` from the step records (see the module docstring)."""
    intent, plan = planned(request)
    results = {sid: rec.get("result") for sid, rec in steps.items() if rec.get("status") == "done"}
    report: dict[str, list[Any]] = {k: [] for k in ("figures", "orders", "skipped", "notes")}
    problems: list[Problem] = []
    for step_id, record in steps.items():
        tool, status = str(record.get("tool", "")), record.get("status")
        target = explained(step_id)
        if target is not None and target in steps:
            continue  # the explained step's own record says it all
        if target is not None:
            why = str((record.get("args") or {}).get("query", "not run"))
            _not_done(target, _tool_of(plan, target), why, plan, report, problems)
        elif status == "done":
            _collect(step_id, tool, record.get("result"), report)
        else:
            why = str(record.get("error") or "")
            if status == "skipped" and not why:
                why = f"{CONDITION_FALSE}: {_condition_detail(plan, step_id, results)}"
            _not_done(step_id, tool, why or str(status), plan, report, problems)
    if intent == "notional_order":
        report["skipped"].extend(_notional(request, plan, results))
    ran = {rec.get("tool") for rec in steps.values() if rec.get("status") == "done"}
    summary = summarize(
        **report,
        problems=problems,
        orders_looked_up="list_orders" in ran,
        positions_looked_up="get_positions" in ran,
    )
    return TradeReport(summary=summary, problems=problems, **report)


def planned(request: str) -> tuple[str | None, Plan | None]:
    """The intent and the plan the offline grammar makes of ``request`` (``None``s if none)."""
    found = GRAMMAR.match(request)
    if found is None:
        return None, None
    try:
        return found.intent.name, found.intent.build(found.match, PlanningContext(request=request))
    except PlangateError:
        return found.intent.name, None


def _tool_of(plan: Plan | None, step_id: str) -> str:
    step = _step(plan, step_id)
    return step.tool if step is not None else "unknown"


def _step(plan: Plan | None, step_id: str) -> Step | None:
    return next((step for step in plan.steps if step.id == step_id), None) if plan else None


def _collect(step_id: str, tool: str, result: Any, report: dict[str, list[Any]]) -> None:
    if tool in read.FIGURE_READERS and result is not None:
        report["figures"].extend(read.FIGURE_READERS[tool](step_id, result))
    elif tool == "place_order":
        report["orders"].append(read.order_line(step_id, result, "placed", step_id))
    elif tool == "cancel_order":
        report["orders"].append(read.order_line(step_id, result, "cancelled", step_id))
    elif tool == "list_orders":
        report["orders"].extend(
            read.order_line(step_id, order, "listed", f"{step_id}.orders[{index}]")
            for index, order in enumerate(result.get("orders", []))
        )
    elif tool == "search_documents":
        report["notes"].extend(read.search_notes(step_id, result))
    elif tool == "get_document":
        report["notes"].extend(read.document_notes(step_id, result))


def reason_of(why: str) -> SkipReason:
    """Classify a reason as the engine and the re-plan word it."""
    if why.startswith(BLOCKED):
        return "blocked_by_policy"
    if why.startswith(REJECTED):
        return "rejected"
    if why.startswith(CONDITION_FALSE):
        return "condition_false"
    return "failed"


def _not_done(
    step_id: str,
    tool: str,
    why: str,
    plan: Plan | None,
    report: dict[str, list[Any]],
    problems: list[Problem],
) -> None:
    step = _step(plan, step_id)
    if tool != "place_order" or step is None:
        problems.append(Problem(step_id=step_id, tool=tool, detail=why))
        return
    args = step.args
    report["skipped"].append(
        SkippedOrder(
            symbol=args["symbol"],
            side=OrderSide(args["side"]),
            qty=args["qty"],
            type=OrderType(args.get("type", "market")),
            limit_price=args.get("limit_price"),
            reason=reason_of(why),
            detail=why,
            source=step_id,
        )
    )


def _condition_detail(plan: Plan | None, step_id: str, results: Mapping[str, Any]) -> str:
    """``${rsi14.value} < 30 (rsi14.value = 58.2506 as of 2026-02-27)``: what was false."""
    step = _step(plan, step_id)
    if step is None or not step.condition:
        return "the step's condition did not hold"
    shown = []
    for ref in parse_condition(step.condition).references:
        try:
            value = lookup(ref, results)
        except PlangateError:
            continue
        root = results.get(ref.step_id)
        when = root.get("as_of_date") or root.get("timestamp") if isinstance(root, dict) else None
        shown.append(f"{str(ref)[2:-1]} = {value}" + (f" as of {when}" if when else ""))
    return f"{step.condition} ({'; '.join(shown)})" if shown else step.condition


def _notional(request: str, plan: Plan | None, results: Mapping[str, Any]) -> list[SkippedOrder]:
    """What an amount of money buys (or sells) in whole shares at the quote."""
    quote, amount = results.get(QUOTE), read_notional(request)
    if not isinstance(quote, dict) or amount is None or plan is None:
        return []
    sell = any(step.id == POSITIONS for step in plan.steps)
    side = OrderSide.SELL if sell else OrderSide.BUY
    field = "bid_price" if sell else "ask_price"
    price = read.number(quote[field])
    shares = int((amount / price).to_integral_value(rounding=ROUND_FLOOR))
    symbol = quote["symbol"]
    detail = (
        f"${amount:,} of {symbol} at the {field.split('_')[0]} ${price} ({QUOTE}.{field}) is "
        f"{shares} whole shares (${price * shares:,}); orders take whole shares, not dollars"
    )
    account = results.get(ACCOUNT)
    if not sell and isinstance(account, dict):
        power = read.number(account["buying_power"])
        detail += f"; buying power is ${power:,} ({ACCOUNT}.buying_power)"
    if shares:
        detail += f'. To order, ask: "{side.value.capitalize()} {shares} shares of {symbol}"'
    return [
        SkippedOrder(
            symbol=symbol, side=side, qty=None, type=OrderType.MARKET, notional=amount,
            suggested_qty=shares, reason="needs_shares", detail=detail, source=QUOTE,
        )
    ]  # fmt: skip
