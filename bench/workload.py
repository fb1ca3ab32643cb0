"""The workload every benchmark shares: one tool, one answer model, scripted model turns.

The same async function backs the plangate ``Tool`` and the LangChain tool, and the same
``ScriptedChatModel`` script drives plangate, ``create_agent`` and the bare LangGraph graph,
so a ratio measured between them compares frameworks, not workloads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_core.messages.tool import tool_call
from langchain_core.tools import BaseTool, StructuredTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import BaseModel

from plangate.graphs.engine.budget import Budget
from plangate.graphs.engine.build import Engine, RunResult
from plangate.graphs.engine.plan import Plan, PlanLimits
from plangate.graphs.engine.planner import LLMPlanner
from plangate.graphs.engine.responder import FunctionResponder, LLMResponder, Responder
from plangate.graphs.engine.runtime import Runtime, Strategy
from plangate.graphs.guards.guardrails import Guardrail
from plangate.graphs.guards.injection import PromptInjection
from plangate.graphs.guards.pii import PIIRedaction
from plangate.graphs.guards.policy import ApproveWrites
from plangate.graphs.offline.scripted import ScriptedChatModel, plan_message
from plangate.graphs.traces.recording import Recorder
from plangate.tools.base import Tool, tool
from plangate.tools.clock import Clock, SystemClock
from plangate.tools.executor import ToolExecutor
from plangate.tools.registry import Toolset

TOOL_NAME = "fetch_record"
FetchFunction = Callable[[str], Awaitable[dict[str, Any]]]

ROOMY_BUDGET = Budget(
    max_steps=10_000,
    max_tool_calls=10_000,
    max_model_calls=10_000,
    max_tokens=100_000_000,
    max_cost=1e9,
    max_seconds=3600.0,
)
"""Bounds no benchmark reaches: budgets are checked, never the reason a run stops."""


class Summary(BaseModel):
    """The benchmark agent's answer."""

    text: str
    steps: int


def fetch_function(latency: float = 0.0) -> FetchFunction:
    """The tool's body: a record by key, after ``latency`` seconds of real ``asyncio.sleep``."""

    async def fetch_record(key: str) -> dict[str, Any]:
        """Fetch a record by its key."""
        if latency:
            await asyncio.sleep(latency)
        return {"key": key, "value": len(key), "note": "a plain record"}

    return fetch_record


def plangate_tool(latency: float = 0.0) -> Tool[Any]:
    """The read tool as a plangate ``Tool``."""
    return tool(effect="read", name=TOOL_NAME)(fetch_function(latency))


def langchain_tool(latency: float = 0.0) -> BaseTool:
    """The same read tool as a LangChain tool, for ``create_agent`` and the bare graph."""
    return StructuredTool.from_function(
        coroutine=fetch_function(latency), name=TOOL_NAME, description="Fetch a record by its key."
    )


def guardrails() -> list[Guardrail]:
    """The guardrails a production agent runs; none triggers on the benchmark's reads."""
    return [PIIRedaction(), PromptInjection(), ApproveWrites()]


def summarize(request: str, results: Mapping[str, Any]) -> Summary:
    """The offline answer: counts the steps that ran (the ``FunctionResponder`` body)."""
    return Summary(text=f"answered: {request}", steps=len(results))


def engine(
    *,
    model: BaseChatModel | None = None,
    strategy: Strategy = "plan",
    llm_responder: bool = False,
    latency: float = 0.0,
    limits: PlanLimits | None = None,
    clock: Clock | None = None,
    toolset: Toolset | None = None,
    executor: ToolExecutor | None = None,
    recorder: Recorder | None = None,
) -> Engine:
    """A plangate ``Engine`` over the benchmark tool, with the standard guardrails.

    Args:
        model: the chat model: ``LLMPlanner``'s under ``plan``, the react model under ``react``,
            and ``LLMResponder``'s when ``llm_responder``.
        strategy: ``plan`` or ``react``.
        llm_responder: answer with ``LLMResponder(model)``; otherwise a ``FunctionResponder``.
        latency: seconds each call of the benchmark tool sleeps (ignored with ``toolset``).
        limits: the plan limits (defaults otherwise).
        clock: the engine's clock (a ``SystemClock`` by default).
        toolset: other tools than the benchmark tool.
        executor: runs the tool calls (a ``ToolExecutor`` over ``toolset`` by default).
        recorder: trace the runs: the model and the executor are wrapped by it.
    """
    tools = toolset if toolset is not None else Toolset([plangate_tool(latency)])
    clock = clock or SystemClock()
    chat: BaseChatModel = model if model is not None else ScriptedChatModel([])
    executor = executor or ToolExecutor(tools, clock=clock)
    if recorder is not None:
        chat = recorder.model(chat)
        executor = recorder.executor(executor)
    responder: Responder = LLMResponder(chat) if llm_responder else FunctionResponder(summarize)
    runtime = Runtime(
        toolset=tools,
        executor=executor,
        planner=LLMPlanner(chat),
        responder=responder,
        response_model=Summary,
        guardrails=guardrails(),
        budget=ROOMY_BUDGET,
        limits=limits or PlanLimits(),
        clock=clock,
        strategy=strategy,
        react_model=chat if strategy == "react" else None,
    )
    return Engine(runtime)


async def run(engine: Engine, request: str, recorder: Recorder | None = None) -> RunResult:
    """Run ``request`` on ``engine``, through ``recorder`` when tracing."""
    if recorder is not None:
        return await recorder.run(engine, request)
    return await engine.run(request)


def keys(count: int) -> list[str]:
    """Distinct record keys."""
    return [f"record-{n}" for n in range(1, count + 1)]


def tool_turn(turn: int, batch: Sequence[str]) -> AIMessage:
    """A model turn calling the tool once per key, with unique call ids."""
    calls = [
        tool_call(name=TOOL_NAME, args={"key": key}, id=f"call_{turn}_{n}")
        for n, key in enumerate(batch, 1)
    ]
    return AIMessage(content="", tool_calls=calls)


def react_script(count: int, per_turn: int = 1) -> list[AIMessage]:
    """ReAct turns fetching ``count`` records ``per_turn`` at a time, then a text answer."""
    names = keys(count)
    batches = [names[i : i + per_turn] for i in range(0, count, per_turn)]
    return [*(tool_turn(n, b) for n, b in enumerate(batches, 1)), AIMessage("All fetched.")]


def plan_of(count: int, *, chained: bool) -> Plan:
    """``count`` fetches: each waiting for the previous one (``chained``) or all independent."""
    steps = [
        {
            "id": f"s{n}",
            "tool": TOOL_NAME,
            "args": {"key": key},
            "depends_on": [f"s{n - 1}"] if chained and n > 1 else [],
        }
        for n, key in enumerate(keys(count), 1)
    ]
    return Plan.model_validate({"steps": steps})


def answer_message(schema: type[BaseModel], data: Mapping[str, Any]) -> AIMessage:
    """The message a model sends when ``with_structured_output(schema)`` asks for ``data``."""
    name = convert_to_openai_tool(schema)["function"]["name"]
    call = tool_call(name=name, args=dict(data), id="call_answer")
    return AIMessage(content="", tool_calls=[call])


def plan_script(plan: Plan, *, answer: bool) -> list[AIMessage]:
    """The planner's turn, then (for ``LLMResponder``) the structured answer."""
    script = [plan_message(plan)]
    if answer:
        script.append(answer_message(Summary, {"text": "All fetched.", "steps": len(plan.steps)}))
    return script
