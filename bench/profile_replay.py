"""Profile where a replay's time goes: ``python -m bench.profile_replay``.

Records one no-latency run, then profiles ten replays of it and prints the top entries by
cumulative time (the figures behind ``results/replay.md``'s "Where a replay's time goes").
"""

from __future__ import annotations

import asyncio
import cProfile
import io
import pstats
import tempfile
from pathlib import Path

from bench.replay import record, time_replay


async def profile(replays: int = 10, top: int = 30) -> str:
    """The cumulative profile of ``replays`` replays, as text."""
    path = Path(tempfile.mkdtemp()) / "run.jsonl"
    await record(path, 0.0, 0.0)
    await time_replay(path, 0.0)  # warm caches and imports before measuring
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(replays):
        await time_replay(path, 0.0)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


if __name__ == "__main__":
    print(asyncio.run(profile()))
