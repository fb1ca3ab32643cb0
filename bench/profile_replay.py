"""Profile where a replay's time goes: ``python -m bench.profile_replay [ORDER]``.

Records one no-latency run, replays it once (which builds the replayed agent and keeps it, as a
suite's first replay does), then profiles further replays of it. Prints the share of the
profiled time spent in each part (``shares``: plangate's packages, LangGraph, LangChain, asyncio
and the rest, by the time spent in their own functions), then the top entries by ``ORDER``
(``cumulative`` by default; ``tottime`` for their own time).
"""

from __future__ import annotations

import asyncio
import cProfile
import io
import pstats
import sys
import tempfile
from pathlib import Path

from bench.replay import record, time_replay

PARTS = (
    ("graphs/traces/", "plangate traces (replay: stand-ins, matching, cleaning, parsing)"),
    ("graphs/guards/", "plangate guardrails"),
    ("graphs/engine/", "plangate engine"),
    ("/langgraph/", "LangGraph"),
    ("/langchain_core/", "LangChain core"),
    ("/pydantic", "pydantic"),
    ("/asyncio/", "asyncio"),
)
"""(path fragment, part) in the order a function's file is matched against them."""


async def profiled(replays: int = 30) -> pstats.Stats:
    """The profile of ``replays`` replays of a no-latency run, the agent already built."""
    path = Path(tempfile.mkdtemp()) / "run.jsonl"
    await record(path, 0.0, 0.0)
    await time_replay(path, 0.0)  # builds the replayed agent; warms caches and imports
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(replays):
        await time_replay(path, 0.0)
    profiler.disable()
    return pstats.Stats(profiler)


def shares(stats: pstats.Stats) -> list[tuple[str, float]]:
    """Each part's share of the profiled time, largest first.

    A function's own time counts for the part its file belongs to; the own time of a built-in
    or standard-library function outside every part counts for the parts of its callers, in
    proportion to the time each call spent.
    """
    table: dict[Key, tuple[int, int, float, float, dict[Key, tuple[int, int, float, float]]]]
    table = stats.stats  # type: ignore[attr-defined]
    spent: dict[str, float] = {}
    for key, (_, _, own, _, callers) in table.items():
        part = _part(key)
        if part != OTHER or not callers:
            spent[part] = spent.get(part, 0.0) + own
            continue
        edges = {caller: edge[2] for caller, edge in callers.items()}
        total = sum(edges.values())
        for caller, seconds in edges.items():
            owner = _part(caller)
            spent[owner] = spent.get(owner, 0.0) + (
                own * seconds / total if total else own / len(edges)
            )
    whole = sum(spent.values()) or 1.0
    ranked = sorted(spent.items(), key=lambda item: -item[1])
    return [(part, seconds / whole) for part, seconds in ranked]


Key = tuple[str, int, str]
OTHER = "other (standard library and built-ins called from outside plangate and its stack)"


def _part(key: Key) -> str:
    return next((name for fragment, name in PARTS if fragment in key[0]), OTHER)


async def profile(replays: int = 30, top: int = 40, order: str = "cumulative") -> str:
    """The shares and the top ``top`` entries by ``order`` of ``replays`` replays, as text."""
    stats = await profiled(replays)
    out = io.StringIO()
    for part, share in shares(stats):
        out.write(f"{share:6.1%}  {part}\n")
    stats.stream = out  # type: ignore[attr-defined]
    stats.sort_stats(order).print_stats(top)
    return out.getvalue()


if __name__ == "__main__":
    print(asyncio.run(profile(order=sys.argv[1] if len(sys.argv) > 1 else "cumulative")))
