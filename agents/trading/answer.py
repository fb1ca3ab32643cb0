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
from typing import Any, NamedTuple

from plangate.agents.trading import figures as read
from plangate.agents.trading.grammar import GRAMMAR
from plangate.agents.trading.holdings import why_skipped
from plangate.agents.trading.phrases import step_noun, step_verb, value_name
from plangate.agents.trading.plans import ACCOUNT, POSITIONS, QUOTE
from plangate.agents.trading.replan import BLOCKED, CONDITION_FALSE, REJECTED, explained
from plangate.agents.trading.response import Problem, SkippedOrder, SkipReason, TradeReport
from plangate.agents.trading.slots import read_notional
from plangate.agents.trading.summary import summarize
from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.engine.planner import PlanningContext
from plangate.graphs.engine.references import resolve
from plangate.graphs.engine.wording import (
    StepLabel,
    condition_in_words,
    dates_in_words,
    read_failure,
)
from plangate.tools.domains.broker.models import OrderSide, OrderType
from plangate.tools.errors import PlangateError


def answer(request: str, steps: Mapping[str, Any]) -> TradeReport:
    """The trade report for ``request`` from the step records (see the module docstring)."""
    intent, plan = planned(request)
    results = {sid: rec.get("result") for sid, rec in steps.items() if rec.get("status") == "done"}
    report: dict[str, list[Any]] = {k: [] for k in ("figures", "orders", "skipped", "notes")}
    problems: list[Problem] = []
    label = _labels(steps, plan)
    for step_id, record in steps.items():
        tool, status = str(record.get("tool", "")), record.get("status")
        target = explained(step_id)
        if target is not None and target in steps:
            continue  # the explained step's own record says it all
        if target is not None:
            why = str((record.get("args") or {}).get("query", "not run"))
            _not_done(
                target,
                _tool_of(plan, target),
                why,
                _Context(plan, {}, results, label),
                report,
                problems,
            )
        elif status == "done":
            _collect(step_id, tool, record.get("result"), report)
        else:
            why = str(record.get("error") or "")
            if status == "skipped" and not why:
                why = CONDITION_FALSE
            condition = str(record.get("condition") or "")
            context = _Context(plan, record.get("args") or {}, results, label, condition)
            _not_done(step_id, tool, why or str(status), context, report, problems)
    if intent == "notional_order":
        report["skipped"].extend(_notional(request, plan, results))
    listed = next(
        (
            rec
            for rec in steps.values()
            if rec.get("tool") == "list_orders" and rec.get("status") == "done"
        ),
        None,
    )
    summary = summarize(
        **report,
        problems=problems,
        orders_looked_up=str((listed.get("args") or {}).get("status") or "all") if listed else None,
        positions_looked_up=any(
            rec.get("tool") == "get_positions" and rec.get("status") == "done"
            for rec in steps.values()
        ),
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


class _Context(NamedTuple):
    plan: Plan | None
    args: Mapping[str, Any]
    results: Mapping[str, Any]
    label: StepLabel
    condition: str = ""
    """The step's condition as the engine showed it (a skipped step's record)."""


def _labels(steps: Mapping[str, Any], plan: Plan | None) -> StepLabel:
    """Each step's name in words, from its record or else its planned step."""

    def label(step_id: str) -> str:
        record = steps.get(step_id) or {}
        planned_step = _step(plan, step_id)
        tool = str(record.get("tool") or (planned_step.tool if planned_step else ""))
        args = record.get("args") or (planned_step.args if planned_step else {})
        return step_noun(tool, args) if tool else f"the {step_id} step"

    return label


def _not_done(
    step_id: str,
    tool: str,
    why: str,
    context: _Context,
    report: dict[str, list[Any]],
    problems: list[Problem],
) -> None:
    step = _step(context.plan, step_id)
    reason = reason_of(why)
    detail = _in_words(step, why, context)
    if tool != "place_order" or (step is None and not context.args.get("symbol")):
        args = context.args or (step.args if step is not None else {})
        problems.append(
            Problem(
                step_id=step_id, tool=tool, detail=f"I could not {step_verb(tool, args)}: {detail}"
            )
        )
        return
    planned = step.args if step is not None else context.args
    try:  # a share count the plan works out ("half of the position") is read from the results
        args = resolve(planned, context.results)
    except PlangateError:
        args = {**planned, "qty": None}
    report["skipped"].append(
        SkippedOrder(
            symbol=args["symbol"],
            side=OrderSide(args["side"]),
            qty=args["qty"],
            type=OrderType(args.get("type", "market")),
            limit_price=args.get("limit_price"),
            reason=reason,
            detail=detail,
            source=step_id,
        )
    )


def _in_words(step: Step | None, why: str, context: _Context) -> str:
    """Why a step was not done, as a person reads it: no plan syntax, dates in words."""
    if why.startswith(CONDITION_FALSE):
        return _condition_words(step, context)
    failure = read_failure(why, context.label)
    if failure.kind == "rejected":
        return f"you rejected it ({failure.reason})" if failure.reason else "you rejected it"
    return dates_in_words(failure.reason) or "it was not done"


def _condition_words(step: Step | None, context: _Context) -> str:
    """``NVDA's RSI(14) is 58.25, not below 30 (as of Friday 27 February)``: what was false."""
    condition = context.condition or (step.condition if step is not None else None)
    if not condition:
        return "its condition did not hold"
    if step is not None and (looked := why_skipped(step, context.results)) is not None:
        return looked
    text = condition_in_words(condition, context.results, value_name, context.label)
    dates = sorted(
        {
            str(root.get("as_of_date") or root.get("timestamp"))
            for sid, root in context.results.items()
            if isinstance(root, dict)
            and f"${{{sid}." in condition
            and (root.get("as_of_date") or root.get("timestamp"))
        }
    )
    return text + (f" (as of {dates_in_words(', '.join(dates))})" if dates else "")


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
    verb, done = ("sells", "sold") if sell else ("buys", "bought")
    at = f"at the {field.split('_')[0]} of ${price:,}"
    if shares:
        detail = (
            f"${amount:,} {verb} {shares} whole shares of {symbol} {at} (${price * shares:,} in "
            f"all); orders take whole shares, so nothing was {done}"
        )
    else:
        detail = f"${amount:,} does not cover one whole share of {symbol} {at}; nothing was {done}"
    account, held = results.get(ACCOUNT), _held(results.get(POSITIONS), symbol)
    if not sell and isinstance(account, dict) and read.number(account["buying_power"]) < amount:
        detail += f", and your buying power is only ${read.number(account['buying_power']):,}"
    if sell and held is not None and held < shares:
        detail += f", and you hold only {held} {symbol}"
    if shares:
        detail += f'. To order, ask: "{side.value.capitalize()} {shares} shares of {symbol}"'
    return [
        SkippedOrder(
            symbol=symbol, side=side, qty=None, type=OrderType.MARKET, notional=amount,
            suggested_qty=shares, reason="needs_shares", detail=detail, source=QUOTE,
        )
    ]  # fmt: skip


def _held(positions: Any, symbol: str) -> int | None:
    """Shares of ``symbol`` held, from a positions result; ``None`` when not read."""
    if not isinstance(positions, list):
        return None
    return sum(
        int(p.get("qty", 0)) for p in positions if isinstance(p, dict) and p.get("symbol") == symbol
    )
