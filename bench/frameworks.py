"""The set-ups the benchmarks compare: plangate, ``create_agent``, bare LangGraph, Pydantic AI.

Each ``Variant`` builds (untimed) a run of ``k`` tool steps and returns it as a ``Run`` to time.
All of them run the benchmark tool; the LangChain-based ones follow the same
``ScriptedChatModel`` script (``bench.workload``) and Pydantic AI a ``FunctionModel`` scripted
to make the same calls. plangate runs with its guardrails, validation, events, budgets and
checkpoints, traced or not; ``create_agent`` with or without a checkpointer; the bare graph is
the loop written by hand: a model node, a tool node, nothing else.

Where a run persists is a ``SaverFactory``: ``in_memory`` (plangate's default), ``no_saver``,
or any factory of LangGraph checkpointers (``bench.growth`` passes SQLite files).
Pydantic AI (``pydantic-ai-slim``, a ``bench`` extra) is optional: ``pydantic_ai_missing``
says when it is not installed.
"""

from __future__ import annotations

import asyncio
import gc
import importlib.util
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
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages

from bench import workload
from plangate.graphs.engine.build import Engine
from plangate.graphs.engine.plan import PlanLimits
from plangate.graphs.engine.runtime import Strategy
from plangate.graphs.offline.scripted import ScriptedChatModel
from plangate.graphs.traces.recording import Recorder

Runner = Callable[[], Awaitable[int]]
"""Runs once and returns how many tool calls were made."""

Saver = BaseCheckpointSaver[Any]
SaverFactory = Callable[[], Saver | None]
"""Makes the checkpointer of one run; ``None`` for a run without one."""

NO_CHECKPOINTER: Any = False
"""What ``Engine`` is given for a run with no checkpointer (LangGraph's own word for none)."""

RECURSION_LIMIT = 10_000
TRACES = Path(tempfile.gettempdir()) / f"plangate-bench-traces-{os.getpid()}"
"""Where traced runs write their JSONL (removed when the measurement ends)."""


class BenchError(RuntimeError):
    """A benchmarked run did not do what it was scripted to do."""


@dataclass(frozen=True)
class Run:
    """One prepared run: awaiting it runs it and returns how many tool calls were made.

    Attributes:
        go: the run itself.
        trace: the JSONL trace it writes, for a traced plangate run.
        saver: the checkpointer it persists in, if any.
    """

    go: Runner
    trace: Path | None = None
    saver: Saver | None = None

    async def __call__(self) -> int:
        """Run once."""
        return await self.go()


@dataclass(frozen=True)
class Variant:
    """One framework set-up: ``prepare(k)`` builds a ``k``-step run (untimed) to be timed."""

    key: str
    label: str
    prepare: Callable[[int], Run]


def in_memory() -> Saver:
    """A fresh ``InMemorySaver``: what plangate persists in by default."""
    return InMemorySaver()


def no_saver() -> None:
    """No checkpointer at all."""
    return None


def _plangate(
    strategy: Strategy, *, chained: bool = True, traced: bool, saver: SaverFactory = in_memory
) -> Callable[[int], Run]:
    """A plangate run of ``k`` fetches: a plan (chained or independent steps) or react turns."""

    def prepare(steps: int) -> Run:
        if strategy == "plan":
            plan = workload.plan_of(steps, chained=chained)
            model = ScriptedChatModel(workload.plan_script(plan, answer=False))
        else:
            model = ScriptedChatModel(workload.react_script(steps))
        recorder = None
        trace = None
        if traced:
            TRACES.mkdir(parents=True, exist_ok=True)
            trace = TRACES / f"{uuid.uuid4().hex}.jsonl"
            recorder = Recorder(trace, agent="bench")
        engine = workload.engine(
            model=model,
            strategy=strategy,
            limits=PlanLimits(max_steps=max(steps, 20)),
            recorder=recorder,
        )
        if saver is not in_memory:  # workload.engine compiles with the default InMemorySaver
            chosen = saver()
            engine = Engine(engine.runtime, NO_CHECKPOINTER if chosen is None else chosen)
        compiled = engine.graph.checkpointer
        checkpointer = compiled if isinstance(compiled, BaseCheckpointSaver) else None

        async def run() -> int:
            try:
                result = await workload.run(engine, "fetch the records", recorder)
            finally:
                if recorder is not None:
                    recorder.close()
            if result.status != "done":
                raise BenchError(f"plangate {strategy} run ended {result.status}: {result.error}")
            return int(result.usage.get("steps", 0))

        return Run(run, trace=trace, saver=checkpointer)

    return prepare


async def plangate_without_checkpointer() -> str | None:
    """Why plangate cannot run with no checkpointer here, or ``None`` when it can.

    ``Engine(runtime, False)`` must compile a graph with no checkpointer (an engine that falls
    back to an ``InMemorySaver`` does not count) and a one-step run must end done.
    """
    plan = workload.plan_of(1, chained=True)
    model = ScriptedChatModel(workload.plan_script(plan, answer=False))
    try:
        engine = Engine(workload.engine(model=model).runtime, NO_CHECKPOINTER)
    except Exception as exc:  # the engine refuses the argument: say how
        return f"`Engine(runtime, False)` raised {type(exc).__name__}: {exc}"
    compiled = engine.graph.checkpointer
    if isinstance(compiled, BaseCheckpointSaver):
        return (
            f"`Engine(runtime, False)` still compiles its graph with `{type(compiled).__name__}`: "
            "the engine has no no-checkpointer mode yet"
        )
    try:
        result = await workload.run(engine, "fetch the records")
    except Exception as exc:  # a run that needs a checkpointer somewhere: say where
        return f"a plangate run with no checkpointer raised {type(exc).__name__}: {exc}"
    if result.status != "done":
        return f"a plangate run with no checkpointer ended {result.status}: {result.error}"
    return None


def _tool_messages(messages: Sequence[Any]) -> int:
    return sum(1 for message in messages if isinstance(message, ToolMessage))


def _create_agent(saver: SaverFactory) -> Callable[[int], Run]:
    def prepare(steps: int) -> Run:
        model = ScriptedChatModel(workload.react_script(steps))
        checkpointer = saver()
        agent = create_agent(model, [workload.langchain_tool()], checkpointer=checkpointer)
        config: Any = {
            "configurable": {"thread_id": uuid.uuid4().hex},
            "recursion_limit": RECURSION_LIMIT,
        }

        async def run() -> int:
            state = await agent.ainvoke({"messages": [HumanMessage("fetch the records")]}, config)
            return _tool_messages(state["messages"])

        return Run(run, saver=checkpointer)

    return prepare


class _BareState(TypedDict):
    messages: Annotated[list[AnyMessage], add_messages]


def _bare_graph(saver: SaverFactory = no_saver) -> Callable[[int], Run]:
    """The same loop written by hand: a model node and a tool node, nothing else."""

    def prepare(steps: int) -> Run:
        checkpointer = saver()
        compiled = _bare_compiled(steps, checkpointer)
        config: Any = {
            "configurable": {"thread_id": uuid.uuid4().hex},
            "recursion_limit": RECURSION_LIMIT,
        }

        async def run() -> int:
            state = await compiled.ainvoke(
                {"messages": [HumanMessage("fetch the records")]}, config
            )
            return _tool_messages(state["messages"])

        return Run(run, saver=checkpointer)

    return prepare


def _bare_compiled(steps: int, checkpointer: Saver | None) -> Any:
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
    return graph.compile(checkpointer=checkpointer)


def pydantic_ai_missing() -> str | None:
    """Why the Pydantic AI set-up cannot run here, or ``None`` when it can."""
    if importlib.util.find_spec("pydantic_ai") is None:
        return "Pydantic AI is not installed (`pip install pydantic-ai-slim`, a `bench` extra)"
    return None


def _pydantic_ai(steps: int) -> Run:
    """A Pydantic AI ``Agent`` whose ``FunctionModel`` calls the tool ``steps`` times, then answers.

    Pydantic AI keeps its conversation in memory for the run: it has no checkpointer.
    """
    from pydantic_ai import Agent, Tool
    from pydantic_ai.messages import ModelResponse, TextPart, ToolCallPart, ToolReturnPart
    from pydantic_ai.models.function import FunctionModel
    from pydantic_ai.usage import UsageLimits

    names = workload.keys(steps)
    turns = iter(range(steps + 1))

    def respond(messages: list[Any], info: Any) -> Any:
        turn = next(turns)
        if turn < steps:
            call = ToolCallPart(
                workload.TOOL_NAME, {"key": names[turn]}, tool_call_id=f"call_{turn}"
            )
            return ModelResponse(parts=[call])
        return ModelResponse(parts=[TextPart("All fetched.")])

    agent = Agent(
        FunctionModel(respond),
        tools=[Tool(workload.fetch_function(), name=workload.TOOL_NAME)],
    )
    unlimited = UsageLimits(request_limit=None, tool_calls_limit=None)

    async def run() -> int:
        result = await agent.run("fetch the records", usage_limits=unlimited)
        return sum(
            isinstance(part, ToolReturnPart)
            for message in result.all_messages()
            for part in message.parts
        )

    return Run(run)


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
    "create_agent_saver",
    "create_agent + InMemorySaver (same persistence)",
    _create_agent(in_memory),
)
AGENT = Variant(
    "create_agent", "create_agent (no checkpointer, its default)", _create_agent(no_saver)
)
BARE = Variant("langgraph_bare", "bare LangGraph StateGraph", _bare_graph())
VARIANTS = (PLAN, PLAN_UNTRACED, PLAN_PARALLEL, REACT, REACT_UNTRACED, AGENT_SAVER, AGENT, BARE)
"""The set-ups ``step_overhead`` compares."""

PLAN_PARALLEL_UNTRACED = Variant(
    "plangate_plan_parallel_untraced",
    "plangate plan (independent steps in waves of 8, no trace)",
    _plangate("plan", chained=False, traced=False),
)
PLAN_BARE = Variant(
    "plangate_plan_no_saver",
    "plangate plan (chained steps, no trace, no checkpointer)",
    _plangate("plan", traced=False, saver=no_saver),
)
PLAN_PARALLEL_BARE = Variant(
    "plangate_plan_parallel_no_saver",
    "plangate plan (independent steps, no trace, no checkpointer)",
    _plangate("plan", chained=False, traced=False, saver=no_saver),
)
REACT_BARE = Variant(
    "plangate_react_no_saver",
    "plangate react (no trace, no checkpointer)",
    _plangate("react", traced=False, saver=no_saver),
)
PYDANTIC_AI = Variant(
    "pydantic_ai", "Pydantic AI Agent + FunctionModel (no persistence)", _pydantic_ai
)


def with_saver(variant: Variant, saver: SaverFactory, label: str) -> Variant:
    """``variant`` persisting its runs through ``saver``, as ``label`` (not Pydantic AI).

    Raises:
        ValueError: the variant has no checkpointer to choose (Pydantic AI).
    """
    builders: dict[str, Callable[[int], Run]] = {
        PLAN.key: _plangate("plan", traced=True, saver=saver),
        PLAN_UNTRACED.key: _plangate("plan", traced=False, saver=saver),
        PLAN_PARALLEL.key: _plangate("plan", chained=False, traced=True, saver=saver),
        PLAN_PARALLEL_UNTRACED.key: _plangate("plan", chained=False, traced=False, saver=saver),
        REACT.key: _plangate("react", traced=True, saver=saver),
        REACT_UNTRACED.key: _plangate("react", traced=False, saver=saver),
        AGENT_SAVER.key: _create_agent(saver),
        BARE.key: _bare_graph(saver),
    }
    if variant.key not in builders:
        raise ValueError(f"{variant.label} takes no checkpointer")
    return Variant(variant.key, label, builders[variant.key])


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
