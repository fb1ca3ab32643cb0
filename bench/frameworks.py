"""The set-ups ``step_overhead`` compares: plangate, ``create_agent`` and a bare LangGraph graph.

Each ``Variant`` builds (untimed) a run of ``k`` tool steps and returns the coroutine to time.
All of them run the benchmark tool and the same ``ScriptedChatModel`` script
(``bench.workload``). plangate runs with its guardrails, validation, events, budgets and
checkpoints, traced or not; ``create_agent`` with or without a checkpointer; the bare graph is
the loop written by hand: a model node, a tool node, nothing else.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypedDict

from langchain.agents import create_agent
from langchain_core.messages import AnyMessage, HumanMessage, ToolMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages

from bench import workload
from plangate.graphs.engine.plan import PlanLimits
from plangate.graphs.engine.runtime import Strategy
from plangate.graphs.offline.scripted import ScriptedChatModel
from plangate.graphs.traces.recording import Recorder

Runner = Callable[[], Awaitable[int]]
"""Runs once and returns how many tool calls were made."""

RECURSION_LIMIT = 10_000
TRACES = Path(tempfile.gettempdir()) / f"plangate-bench-traces-{os.getpid()}"
"""Where traced runs write their JSONL (removed when the measurement ends)."""


class BenchError(RuntimeError):
    """A benchmarked run did not do what it was scripted to do."""


@dataclass(frozen=True)
class Variant:
    """One framework set-up: ``prepare(k)`` builds a ``k``-step run (untimed) to be timed."""

    key: str
    label: str
    prepare: Callable[[int], Runner]


def _plangate(strategy: Strategy, *, chained: bool = True, traced: bool) -> Callable[[int], Runner]:
    """A plangate run of ``k`` fetches: a plan (chained or independent steps) or react turns."""

    def prepare(steps: int) -> Runner:
        if strategy == "plan":
            plan = workload.plan_of(steps, chained=chained)
            model = ScriptedChatModel(workload.plan_script(plan, answer=False))
        else:
            model = ScriptedChatModel(workload.react_script(steps))
        recorder = None
        if traced:
            TRACES.mkdir(parents=True, exist_ok=True)
            recorder = Recorder(TRACES / f"{uuid.uuid4().hex}.jsonl", agent="bench")
        engine = workload.engine(
            model=model,
            strategy=strategy,
            limits=PlanLimits(max_steps=max(steps, 20)),
            recorder=recorder,
        )

        async def run() -> int:
            try:
                result = await workload.run(engine, "fetch the records", recorder)
            finally:
                if recorder is not None:
                    recorder.close()
            if result.status != "done":
                raise BenchError(f"plangate {strategy} run ended {result.status}: {result.error}")
            return int(result.usage.get("steps", 0))

        return run

    return prepare


def _tool_messages(messages: Sequence[Any]) -> int:
    return sum(1 for message in messages if isinstance(message, ToolMessage))


def _create_agent(with_saver: bool) -> Callable[[int], Runner]:
    def prepare(steps: int) -> Runner:
        model = ScriptedChatModel(workload.react_script(steps))
        agent = create_agent(
            model, [workload.langchain_tool()], checkpointer=InMemorySaver() if with_saver else None
        )
        config: Any = {
            "configurable": {"thread_id": uuid.uuid4().hex},
            "recursion_limit": RECURSION_LIMIT,
        }

        async def run() -> int:
            state = await agent.ainvoke({"messages": [HumanMessage("fetch the records")]}, config)
            return _tool_messages(state["messages"])

        return run

    return prepare


class _BareState(TypedDict):
    messages: Annotated[list[AnyMessage], add_messages]


def _bare_graph(steps: int) -> Runner:
    """The same loop written by hand: a model node and a tool node, nothing else."""
    model = ScriptedChatModel(workload.react_script(steps))
    bound = model.bind_tools([workload.langchain_tool()])
    fetch = workload.fetch_function()

    async def call_model(state: _BareState) -> dict[str, Any]:
        return {"messages": [await bound.ainvoke(state["messages"])]}

    async def call_tools(state: _BareState) -> dict[str, Any]:
        calls = getattr(state["messages"][-1], "tool_calls", [])
        results = await asyncio.gather(*(fetch(str(call["args"]["key"])) for call in calls))
        return {
            "messages": [
                ToolMessage(json.dumps(result), tool_call_id=call["id"])
                for call, result in zip(calls, results, strict=True)
            ]
        }

    def route(state: _BareState) -> str:
        return "tools" if getattr(state["messages"][-1], "tool_calls", None) else END

    graph: StateGraph[_BareState, Any, Any, Any] = StateGraph(_BareState)
    graph.add_node("model", call_model)
    graph.add_node("tools", call_tools)
    graph.add_edge(START, "model")
    graph.add_conditional_edges("model", route, ["tools", END])
    graph.add_edge("tools", "model")
    compiled = graph.compile()

    async def run() -> int:
        state = await compiled.ainvoke(
            {"messages": [HumanMessage("fetch the records")]},
            {"recursion_limit": RECURSION_LIMIT},
        )
        return _tool_messages(state["messages"])

    return run


PLAN = Variant(
    "plangate_plan", "plangate plan (chained steps, traced)", _plangate("plan", traced=True)
)
PLAN_UNTRACED = Variant(
    "plangate_plan_untraced",
    "plangate plan (chained steps, no trace)",
    _plangate("plan", traced=False),
)
PLAN_PARALLEL = Variant(
    "plangate_plan_parallel",
    "plangate plan (independent steps in waves of 8, traced)",
    _plangate("plan", chained=False, traced=True),
)
REACT = Variant(
    "plangate_react", "plangate react (one tool per turn, traced)", _plangate("react", traced=True)
)
REACT_UNTRACED = Variant(
    "plangate_react_untraced",
    "plangate react (one tool per turn, no trace)",
    _plangate("react", traced=False),
)
AGENT_SAVER = Variant(
    "create_agent_saver", "create_agent + InMemorySaver (same persistence)", _create_agent(True)
)
AGENT = Variant("create_agent", "create_agent (no checkpointer, its default)", _create_agent(False))
BARE = Variant("langgraph_bare", "bare LangGraph StateGraph", _bare_graph)
VARIANTS = (PLAN, PLAN_UNTRACED, PLAN_PARALLEL, REACT, REACT_UNTRACED, AGENT_SAVER, AGENT, BARE)


async def time_run(prepare: Callable[[int], Runner], steps: int) -> float:
    """Build a ``steps``-step run (untimed), time it, and check it made ``steps`` tool calls."""
    run = prepare(steps)
    gc.collect()
    started = time.perf_counter()
    made = await run()
    elapsed = time.perf_counter() - started
    if made != steps:
        raise BenchError(f"expected {steps} tool calls, the run made {made}")
    return elapsed
