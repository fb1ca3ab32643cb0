"""The ``react`` strategy: the model calls tools step by step through ``bind_tools``.

Each model turn's tool calls become plan steps (ids ``t<turn>_<n>``) appended to the run's plan,
so they go through the very same dispatch (reference-free here), tool-call guardrails,
approvals, call-tool node, result guardrails, budgets and events as ``plan`` steps. When a wave
is finished the model sees the results as tool messages — failures included, so it corrects
itself — and either calls more tools or answers; then the respond node produces the validated
response. A bad argument from the model is a failed step the model sees; each one draws on the
run's retry budget.

The conversation is rebuilt from the plan and the step records on every turn rather than kept
in state, so it is always exactly what the checkpoint says happened.
"""

from __future__ import annotations

import json
import weakref
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage

from plangate.graphs.engine.events import PlanReady
from plangate.graphs.engine.metering import meter
from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.engine.runtime import Runtime, emit, fail_state
from plangate.graphs.engine.state import RunState, StepRecord
from plangate.tools.errors import BudgetExceededError, UsageError
from plangate.tools.schema import openai_tool

REACT_SYSTEM = (
    "You are a careful assistant that uses tools. Call the tools you need — several at once "
    "when they do not depend on each other — then, once you have what the request needs, "
    "reply without calling a tool."
)


def conversation(state: RunState, runtime: Runtime) -> list[BaseMessage]:
    """The messages of the run so far: system, request, then each turn's calls and results."""
    system = f"{REACT_SYSTEM}\n\n{runtime.instructions}".strip()
    messages: list[BaseMessage] = [SystemMessage(system), HumanMessage(state["request"])]
    steps = state.get("steps") or {}
    history = {rec["step_id"]: rec for rec in state.get("history") or []}
    plan = Plan.model_validate(state["plan"]) if state.get("plan") else None
    turns: dict[str, list[Step]] = {}
    for step in plan.steps if plan else []:
        turns.setdefault(step.id.split("_")[0], []).append(step)
    for calls in turns.values():
        messages.append(
            AIMessage(
                content="",
                tool_calls=[{"name": s.tool, "args": s.args, "id": s.id} for s in calls],
            )
        )
        for step in calls:
            record = steps.get(step.id) or history.get(step.id) or {}
            messages.append(ToolMessage(content=_tool_content(record), tool_call_id=step.id))
    return messages


def _tool_content(record: StepRecord) -> str:
    status = record.get("status")
    if status == "done":
        return json.dumps(record.get("result"), ensure_ascii=False, default=str)
    return f"error ({status}): {record.get('error', 'no result')}"


async def react_node(state: RunState, runtime: Runtime) -> dict[str, Any]:
    """One model turn: new tool calls become steps, or the model is done."""
    if state.get("status") != "running":
        return {}
    model = runtime.react_model
    if model is None:
        return fail_state(UsageError("the react strategy needs a chat model (react_model)"))
    usage = state.get("usage") or {}
    failed_args = sum(
        1 for rec in (state.get("steps") or {}).values() if rec.get("error_type") == "ToolArgsError"
    )
    try:
        runtime.budget.check(usage, "model_calls")
        runtime.budget.check(usage, "tokens", 0)
        runtime.budget.check(usage, "cost", 0)
        runtime.budget.check({"retries": usage.get("retries", 0)}, "retries", failed_args)
    except BudgetExceededError as exc:
        return fail_state(exc)
    tools = [t for t in runtime.toolset if runtime.allowed is None or t.name in runtime.allowed]
    bound = _bind(model, tools)
    with meter(runtime.prices) as used:
        reply = await bound.ainvoke(conversation(state, runtime))
    spent = {
        "model_calls": 1.0,
        "retries": float(failed_args) - usage.get("retries", 0),
        "tokens": float(used.tokens),
        "cost": used.cost,
    }
    spent["retries"] = max(spent["retries"], 0.0)
    if not isinstance(reply, AIMessage) or not reply.tool_calls:
        return {"usage": spent, "wave": [], "react_done": True}
    plan = Plan.model_validate(state["plan"]) if state.get("plan") else None
    turn = 1 + len({s.id.split("_")[0] for s in plan.steps}) if plan else 1
    new = [
        Step(id=f"t{turn}_{n}", tool=call["name"], args=dict(call["args"]))
        for n, call in enumerate(reply.tool_calls, 1)
    ]
    merged = Plan(steps=[*(plan.steps if plan else []), *new])
    emit(PlanReady(plan=merged.model_dump(mode="json"), attempt=turn, replan=turn > 1))
    return {"plan": merged.model_dump(mode="json"), "usage": spent, "react_done": False}


# A tool's schema never changes: build it once per tool, not on every turn.
_SCHEMAS: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()


def _schema(tool: Any) -> dict[str, Any]:
    schema = _SCHEMAS.get(tool)
    if schema is None:
        schema = _SCHEMAS[tool] = openai_tool(tool, strict=False)
    return schema


def _bind(model: BaseChatModel, tools: list[Any]) -> Any:
    return model.bind_tools([_schema(t) for t in tools])
