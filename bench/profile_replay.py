"""Profile where a replay's time goes: ``python -m bench.profile_replay``.

Records one no-latency run, replays it once (which builds the replayed agent and keeps it, as a
suite's first replay does), then profiles further replays of it and prints the top entries by
cumulative time (the figures behind ``results/replay.md``'s notes).
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


async def profile(replays: int = 30, top: int = 40, order: str = "cumulative") -> str:
    """The profile of ``replays`` replays, as text, sorted by ``order``."""
    path = Path(tempfile.mkdtemp()) / "run.jsonl"
    await record(path, 0.0, 0.0)
    await time_replay(path, 0.0)  # builds the replayed agent; warms caches and imports
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(replays):
        await time_replay(path, 0.0)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(top)
    return out.getvalue()


if __name__ == "__main__":
    print(asyncio.run(profile(order=sys.argv[1] if len(sys.argv) > 1 else "cumulative")))
