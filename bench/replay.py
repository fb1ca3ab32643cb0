"""replay: replaying a recorded run (no model, no backend) vs running it.

The run: a ``plan`` run of 8 independent reads (``LLMPlanner`` + ``LLMResponder`` over a
``ScriptedChatModel`` with latency ``M``, a tool sleeping ``L``), with the standard guardrails.
It is recorded once per latency setting with ``plangate.graphs.traces.recording.Recorder`` into a
JSONL file, then replayed with ``plangate.graphs.traces.replay.replay(path, factory)``: the timed
replay reads and parses the file, rebuilds the engine around the replay stand-ins, checks the
agent's surface and re-runs the request, matching every model request and tool call.

The run is timed with its engine already built (as a server runs); the replay includes building
its engine, so the ratio is, if anything, conservative.
"""

from __future__ import annotations

import asyncio
import importlib.util
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import workload
from bench.report import Chart, Column, Report, Table, Target, fixed
from bench.stats import median
from plangate.graphs.engine.build import Engine
from plangate.graphs.offline.scripted import ScriptedChatModel

READS = 8
TARGET_SPEEDUP = 50.0
SETTINGS: tuple[tuple[str, float, float], ...] = (
    ("no latency (the engine's CPU only)", 0.0, 0.0),
    ("fast model: M = 100 ms, L = 200 ms", 0.1, 0.2),
    ("hosted model: M = 1 s, L = 200 ms", 1.0, 0.2),
)
"""(label, model latency M, tool latency L) of each recorded run."""


class BenchError(RuntimeError):
    """A run or a replay did not end as expected."""


def is_available() -> bool:
    """Whether this plangate has trace replay (``plangate.graphs.traces.replay``)."""
    return importlib.util.find_spec("plangate.graphs.traces.replay") is not None


def _model(model_latency: float) -> ScriptedChatModel:
    plan = workload.plan_of(READS, chained=False)
    return ScriptedChatModel(workload.plan_script(plan, answer=True), latency=model_latency)


async def time_run(model_latency: float, tool_latency: float) -> float:
    """Seconds for one untraced run (engine built beforehand)."""
    engine = workload.engine(model=_model(model_latency), latency=tool_latency, llm_responder=True)
    started = time.perf_counter()
    result = await engine.run(f"fetch {READS} records")
    elapsed = time.perf_counter() - started
    if result.status != "done":
        raise BenchError(f"the run ended {result.status}: {result.error}")
    return elapsed


async def record(path: Path, model_latency: float, tool_latency: float) -> None:
    """Record one run into ``path``."""
    from plangate.graphs.traces.recording import Recorder

    recorder = Recorder(path, agent="bench")
    engine = workload.engine(
        model=_model(model_latency), latency=tool_latency, llm_responder=True, recorder=recorder
    )
    try:
        result = await recorder.run(engine, f"fetch {READS} records")
    finally:
        recorder.close()
    if result.status != "done":
        raise BenchError(f"the recorded run ended {result.status}: {result.error}")


async def time_replay(path: Path, tool_latency: float) -> float:
    """Seconds to replay the trace at ``path`` (read, rebuild, re-run, compare)."""
    from plangate.graphs.traces.replay import RunParts, replay
    from plangate.tools.registry import Toolset

    def factory(parts: RunParts) -> Engine:
        toolset = Toolset([workload.plangate_tool(tool_latency)], deps=parts.deps)
        return workload.engine(
            model=parts.model,
            strategy=parts.strategy,
            llm_responder=True,
            toolset=toolset,
            executor=parts.executor(toolset),
            clock=parts.clock,
        )

    started = time.perf_counter()
    outcome = await replay(path, factory)
    elapsed = time.perf_counter() - started
    if not outcome.ok:
        raise BenchError(f"the replay diverged: {outcome.message}\n{outcome.diff}")
    return elapsed


async def measure(
    *,
    settings: Sequence[tuple[str, float, float]] = SETTINGS,
    run_repeats: int = 3,
    replay_repeats: int = 7,
) -> Report:
    """Per setting: median run time, one recording, median replay time; the ratio."""
    if not is_available():
        return Report(
            name="replay",
            title="Replay vs run",
            summary="Skipped: this plangate has no `plangate.graphs.traces.replay` (trace replay) yet.",
            status="skipped",
            notes=["graphs/traces/replay.py does not exist; the replay benchmark did not run."],
        )
    await time_run(0.0, 0.0)  # warm-up
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="plangate-bench-replay-") as folder:
        for index, (label, model_latency, tool_latency) in enumerate(settings):
            path = Path(folder) / f"run-{index}.jsonl"
            await record(path, model_latency, tool_latency)
            await time_replay(path, tool_latency)  # warm-up: trace parsing, replay doubles
            runs = [await time_run(model_latency, tool_latency) for _ in range(run_repeats)]
            replays = [await time_replay(path, tool_latency) for _ in range(replay_repeats)]
            run_s, replay_s = median(runs), median(replays)
            rows.append(
                {
                    "setting": label,
                    "M_ms": model_latency * 1e3,
                    "L_ms": tool_latency * 1e3,
                    "run_ms": run_s * 1e3,
                    "replay_ms": replay_s * 1e3,
                    "speedup": run_s / replay_s,
                    "trace_kb": path.stat().st_size / 1024,
                }
            )
    report = Report(
        name="replay",
        title="Replay vs run",
        summary=(
            f"A plan run of {READS} independent reads (2 model calls, {READS} tool calls) "
            "with the standard guardrails, recorded to JSONL once per setting and replayed "
            f"with no model and no backend. Medians of {run_repeats} runs and "
            f"{replay_repeats} replays; each replay reads the file, rebuilds the engine, "
            "checks the surface and re-runs the request."
        ),
        params={"reads": READS, "run_repeats": run_repeats, "replay_repeats": replay_repeats},
        tables=[
            Table(
                "Run vs replay",
                [
                    Column("setting", "recorded run"),
                    Column("run_ms", "run (ms)", fixed(1)),
                    Column("replay_ms", "replay (ms)", fixed(1)),
                    Column("speedup", "run ÷ replay", fixed(1)),
                    Column("trace_kb", "trace (KiB)", fixed(1)),
                ],
                rows,
            )
        ],
        chart=None,
        notes=[
            "A replay does the engine's work (planning validation, guardrails, dispatch, "
            "checkpoints) without waiting for a model or a backend, so its speed-up is the "
            "run's waiting time over the engine's CPU time: it grows with the model latency.",
            "Real hosted chat models take from several hundred ms to seconds per structured-"
            "output call; the 1 s setting is a typical one, the 100 ms one a very fast model.",
            "Where a replay's time goes (`python -m bench.profile_replay`, cProfile over 10 "
            "replays of the no-latency trace): about half rebuilding the agent and compiling "
            "its graph (LangGraph compile ~30%, pydantic JSON schemas of tools and plan ~20%), "
            "about 37% re-running the engine on the recorded answers (of which ~14% "
            "canonicalising bound tools for request keys and ~14% redacting requests for "
            "comparison), the rest reading the trace and checking the agent's surface. The "
            "engine's own work is replayed on purpose: guardrails, validation and dispatch are "
            "what a replay checks for drift. What could go: caching the compiled graph and the "
            "schemas across the replays of one suite, and canonicalising each tool schema once "
            "per trace instead of once per request.",
        ],
    )
    bare = next((row for row in rows if row["M_ms"] == 0 and row["L_ms"] == 0), None)
    if bare is not None:
        report.notes.append(
            f"Replaying takes {bare['replay_ms'] / bare['run_ms']:.2f}× the time of the same "
            f"run with no latency ({bare['replay_ms']:.1f} vs {bare['run_ms']:.1f} ms): a "
            "replay is the engine's own work plus reading the trace, rebuilding the engine and "
            "matching each request, so the speed-up is bounded by the run's waiting time over "
            "that CPU time; 50× needs a run of about "
            f"{50 * bare['replay_ms'] / 1e3:.1f} s."
        )
    report.headlines = [
        (f"run ÷ replay, {row['setting']}", f"{row['speedup']:.1f}×") for row in rows
    ]
    for row in rows:
        if row["M_ms"] == 0 and row["L_ms"] == 0:
            continue
        report.targets.append(
            Target(
                f"replay ≥ {TARGET_SPEEDUP:.0f}× faster than the run ({row['setting']})",
                f"{row['speedup']:.1f}× ({row['run_ms']:.0f} vs {row['replay_ms']:.1f} ms)",
                row["speedup"] >= TARGET_SPEEDUP,
            )
        )
    report.chart = Chart(
        title="Run vs replay (ms)",
        x_label="model latency M (ms)",
        y_label="wall time (ms)",
        x=[row["M_ms"] for row in rows],
        series={
            "run": [row["run_ms"] for row in rows],
            "replay": [row["replay_ms"] for row in rows],
        },
    )
    return report


def run(*, quick: bool = False) -> Report:
    """The benchmark: every setting, or only the fast-model one when ``quick``."""
    if quick:
        return asyncio.run(measure(settings=SETTINGS[:2], run_repeats=1, replay_repeats=3))
    return asyncio.run(measure())
