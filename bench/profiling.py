"""Differential profiles: where the time of one more step goes.

A run of ``k`` steps and a run of 1 step are both profiled with cProfile; the difference,
divided by ``k - 1``, is the cost of one step, attributed to the code that spent it. Fixed
costs of a run (graph start, the first model call) cancel out, so what remains is the per-step
cost the benchmark compares.

cProfile slows Python code down (roughly 1.5-2x), so the absolute figures are inflated; the
shares are what to read. Only the main thread is profiled: time the event loop spends idle while
a worker thread runs a synchronous callback shows up as ``waiting on worker threads``. Time in
builtins and the standard library (``json``, ``copy``, ``dataclasses``...) is charged to the
category of the code that called it, one level up, when that code has a category of its own.
"""

from __future__ import annotations

import cProfile
import gc
import pstats
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

FunctionKey = tuple[str, int, str]
Runner = Callable[[], Awaitable[int]]


@dataclass(frozen=True)
class StepProfile:
    """Per-step cost in microseconds (profiled), by category and by plangate function.

    Attributes:
        total_us: profiled microseconds per extra step.
        by_category: microseconds per step spent in each category (own time).
        by_function: microseconds per step inside each plangate function (cumulative).
        supersteps: LangGraph supersteps per step (calls of the Pregel loop's ``tick``), or
            ``None`` if this LangGraph version has no such function.
    """

    total_us: float
    by_category: dict[str, float]
    by_function: dict[str, float]
    supersteps: float | None


def category(key: FunctionKey) -> str:
    """The category a function's own time counts towards."""
    filename, _, name = key
    if filename == "~":
        if "pydantic_core" in name:
            return "pydantic (validation, serialisation)"
        if "ormsgpack" in name:
            return "LangGraph checkpoints"
        if "poll" in name or "select" in name:
            return "waiting on worker threads (sync callbacks)"
        return "Python builtins"
    path = filename.replace("\\", "/")
    local = _local(path)
    if local is not None:
        if local == "graphs/offline/scripted.py":
            return "scripted model double (same for all)"
        if local.startswith("bench/"):
            return "benchmark harness"
        return f"plangate {local}"
    for marker, label in (
        ("/langgraph/checkpoint/", "LangGraph checkpoints"),
        ("/langgraph/", "LangGraph runtime"),
        ("/langchain_core/callbacks/", "LangChain callbacks"),
        ("/langchain_core/", "LangChain core (model wrapper, messages)"),
        ("/langchain/", "LangChain agents (create_agent)"),
        ("/pydantic/", "pydantic (validation, serialisation)"),
        ("/asyncio/", "asyncio & threads"),
        ("/concurrent/", "asyncio & threads"),
        ("/threading.py", "asyncio & threads"),
        ("/selectors.py", "asyncio & threads"),
    ):
        if marker in path:
            return label
    return "Python stdlib & other"


LOCAL_PACKAGES = ("graphs", "tools", "agents", "demos", "bench")
WRAPPERS = (
    "graphs/engine/build.py:",
    "graphs/traces/recording.py:run",
    "graphs/traces/recording.py:stream",
)
"""Functions (``module:name`` prefixes) that only wrap a whole run: left out of the top list."""


def _local(path: str) -> str | None:
    """``path`` relative to the repository when it is plangate's own code, else ``None``."""
    root = str(REPO).replace("\\", "/") + "/"
    if not path.startswith(root):
        return None
    relative = path[len(root) :]
    return relative if relative.split("/")[0] in LOCAL_PACKAGES else None


GENERIC = ("Python builtins", "Python stdlib & other")
"""Categories whose time is charged to the caller's category when the caller is specific."""


TICK = ("langgraph/pregel/_loop.py", "tick")
"""The Pregel loop's per-superstep function, counted to report supersteps per step."""


@dataclass
class _Profiled:
    own_by_category: dict[str, float]
    cumulative_by_function: dict[str, float]
    ticks: int = 0


def _charge(stats: Mapping[FunctionKey, Any], into: _Profiled) -> None:
    """Add one profile's own time by category (builtins/stdlib charged to their callers)."""
    for key, (_, calls, own, cumulative, callers) in stats.items():
        if key[0].replace("\\", "/").endswith(TICK[0]) and key[2] == TICK[1]:
            into.ticks += calls
        home = category(key)
        if home in GENERIC:
            for caller, entry in callers.items():
                charged = category(caller)
                if charged not in GENERIC:
                    into.own_by_category[charged] += entry[2]
                    own -= entry[2]
        into.own_by_category[home] += own
        local = _local(key[0].replace("\\", "/"))
        name = f"{local}:{key[2]}"
        if (
            local
            and local.split("/")[0] in ("graphs", "tools")
            and local != "graphs/offline/scripted.py"
            and not name.startswith(WRAPPERS)
        ):
            into.cumulative_by_function[name] += cumulative


async def profiled(run: Callable[[], Runner], repeats: int) -> _Profiled:
    """Own seconds by category and cumulative seconds by plangate function, over ``repeats``."""
    into = _Profiled(defaultdict(float), defaultdict(float))
    for _ in range(repeats):
        runner = run()
        gc.collect()
        profiler = cProfile.Profile()
        profiler.enable()
        await runner()
        profiler.disable()
        _charge(pstats.Stats(profiler).stats, into)  # type: ignore[attr-defined]
    return into


async def step_profile(
    prepare: Callable[[int], Runner], steps: int, *, repeats: int = 3
) -> StepProfile:
    """Profile one extra step: ``steps``-step runs minus 1-step runs, per step."""
    big = await profiled(lambda: prepare(steps), repeats)
    small = await profiled(lambda: prepare(1), repeats)
    scale = 1e6 / (repeats * (steps - 1))
    categories = {
        name: (big.own_by_category.get(name, 0.0) - small.own_by_category.get(name, 0.0)) * scale
        for name in big.own_by_category.keys() | small.own_by_category.keys()
    }
    functions = {
        name: (
            big.cumulative_by_function.get(name, 0.0) - small.cumulative_by_function.get(name, 0.0)
        )
        * scale
        for name in big.cumulative_by_function.keys() | small.cumulative_by_function.keys()
    }
    ticks = (big.ticks - small.ticks) / (repeats * (steps - 1))
    return StepProfile(
        supersteps=ticks if big.ticks else None,
        total_us=sum(categories.values()),
        by_category=dict(sorted(categories.items(), key=lambda item: -item[1])),
        by_function=dict(sorted(functions.items(), key=lambda item: -item[1])),
    )
