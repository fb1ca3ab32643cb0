"""replay: replaying a recorded run (no model, no backend) vs running it.

The run: a ``plan`` run of 8 independent reads (``LLMPlanner`` + ``LLMResponder`` over a
``ScriptedChatModel`` with latency ``M``, a tool sleeping ``L``), with the standard guardrails.
It is recorded once per latency setting with ``plangate.graphs.traces.recording.Recorder`` into a
JSONL file, then replayed with ``plangate.graphs.traces.replay.replay(path, replay_engine)``: the
timed replay reads and parses the file, checks the agent's surface and re-runs the request,
matching every model request and tool call.

The run is timed with its engine already built (as a server runs); the replay reuses the engine
built for the first replay of the agent (``plangate.graphs.traces.replay_cache``), as the replays
of a test suite do. The first replay, which builds it, is reported on its own ("cold").

The suite figure replays many trace files of distinct runs (each its own request, reads and
results), each once, in one process, as a pytest suite of trace replays does, and counts LangGraph
graph compilations meanwhile.
"""

from __future__ import annotations

import asyncio
import importlib.util
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langgraph.graph.state import StateGraph

from bench import workload
from bench.report import Chart, Column, Report, Table, Target, fixed
from bench.stats import median
from plangate.graphs.engine.build import Engine
from plangate.graphs.engine.plan import Plan, PlanLimits
from plangate.graphs.engine.planner import LLMPlanner
from plangate.graphs.engine.responder import LLMResponder
from plangate.graphs.engine.runtime import Runtime
from plangate.graphs.offline.scripted import ScriptedChatModel
from plangate.tools.base import Tool
from plangate.tools.registry import Toolset

if TYPE_CHECKING:
    from plangate.graphs.traces.replay import RunParts

READS = 8
SETTINGS: tuple[tuple[str, float, float], ...] = (
    ("no latency (the engine's CPU only)", 0.0, 0.0),
    ("fast model: M = 100 ms, L = 200 ms", 0.1, 0.2),
    ("hosted model: M = 1 s, L = 200 ms", 1.0, 0.2),
)
"""(label, model latency M, tool latency L) of each recorded run."""
TARGETS = {0.1: 50.0, 1.0: 200.0}
"""The speed-up a replay must reach, by the recorded run's model latency M (50× for any other
setting with latency)."""
SUITE = 500
"""Replays in the suite figure."""


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


@cache
def _replay_tool() -> Tool[Any]:
    return workload.plangate_tool()  # a replay never calls it: its latency does not matter


def replay_engine(parts: RunParts) -> Engine:
    """The benchmark's engine (``workload.engine``'s runtime) around replay stand-ins.

    It persists in ``parts.checkpointer``, so replays reuse it instead of building it again.
    """
    toolset = Toolset([_replay_tool()], deps=parts.deps)
    if parts.model is None:
        raise BenchError("the benchmark's traces are recorded with a chat model")
    runtime = Runtime(
        toolset=toolset,
        executor=parts.executor(toolset),
        planner=LLMPlanner(parts.model),
        responder=LLMResponder(parts.model),
        response_model=workload.Summary,
        guardrails=workload.guardrails(),
        budget=workload.ROOMY_BUDGET,
        limits=PlanLimits(),
        clock=parts.clock,
        strategy=parts.strategy,
        react_model=parts.model if parts.strategy == "react" else None,
    )
    return Engine(runtime, parts.checkpointer)


async def time_replay(path: Path, tool_latency: float = 0.0) -> tuple[float, float]:
    """Seconds to replay the trace at ``path`` (read, check, re-run, compare): wall and CPU."""
    from plangate.graphs.traces.replay import replay

    started, cpu = time.perf_counter(), time.process_time()
    outcome = await replay(path, replay_engine)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    if not outcome.ok:
        raise BenchError(f"the replay diverged: {outcome.message}\n{outcome.diff}")
    return elapsed, cpu


async def time_cold_replay(path: Path) -> float:
    """Seconds to replay ``path`` with no replayed agent kept: it is built first."""
    from plangate.graphs.traces.replay_cache import clear_replay_cache

    clear_replay_cache()
    return (await time_replay(path))[0]


@contextmanager
def counting_compilations() -> Iterator[list[int]]:
    """Count LangGraph graph compilations (``StateGraph.compile`` calls) inside the block."""
    count = [0]
    compile_graph = StateGraph.compile

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        count[0] += 1
        return compile_graph(self, *args, **kwargs)

    StateGraph.compile = counted  # type: ignore[method-assign]
    try:
        yield count
    finally:
        StateGraph.compile = compile_graph  # type: ignore[method-assign]


def _suite_plan(case: int) -> Plan:
    """Case ``case``'s plan: 1 to 8 independent reads of keys no other case reads."""
    steps = [
        {"id": f"s{n}", "tool": workload.TOOL_NAME, "args": {"key": f"case{case}-record-{n}"}}
        for n in range(1, case % READS + 2)
    ]
    return Plan.model_validate({"steps": steps})


async def record_suite(folder: Path, files: int) -> list[Path]:
    """``files`` trace files of distinct runs, each with its own request, reads and results."""
    from plangate.graphs.traces.recording import Recorder

    paths = []
    for case in range(files):
        path = folder / f"suite-{case}.jsonl"
        recorder = Recorder(path, agent="bench")
        plan = _suite_plan(case)
        model = ScriptedChatModel(workload.plan_script(plan, answer=True))
        engine = workload.engine(model=model, llm_responder=True, recorder=recorder)
        try:
            result = await recorder.run(engine, f"case {case}: fetch {len(plan.steps)} records")
        finally:
            recorder.close()
        if result.status != "done":
            raise BenchError(f"the recorded run ended {result.status}: {result.error}")
        paths.append(path)
    return paths


async def measure_suite(files: int) -> dict[str, Any]:
    """Replay ``files`` trace files once each, from no replayed agent kept."""
    from plangate.graphs.traces.replay_cache import clear_replay_cache, replay_cache_info

    with tempfile.TemporaryDirectory(prefix="plangate-bench-suite-") as folder:
        paths = await record_suite(Path(folder), files)
        clear_replay_cache()
        with counting_compilations() as compilations:
            started, cpu = time.perf_counter(), time.process_time()
            for path in paths:
                await time_replay(path)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        info = replay_cache_info()
    return {
        "replays": files,
        "distinct_runs": files,
        "seconds": elapsed,
        "replays_per_s": files / elapsed,
        "ms_per_replay": elapsed / files * 1e3,
        "cpu_ms_per_replay": cpu / files * 1e3,
        "compilations": compilations[0],
        "agents_built": info.builds,
        "agents": 1,
    }


async def measure(
    *,
    settings: Sequence[tuple[str, float, float]] = SETTINGS,
    run_repeats: int = 3,
    replay_repeats: int = 7,
    suite: int = 0,
) -> Report:
    """Per setting: median run time, one recording, median replay time; the ratio.

    Args:
        settings: (label, model latency, tool latency) of each recorded run.
        run_repeats: runs timed per setting.
        replay_repeats: replays timed per setting.
        suite: replays in the suite figure (``0``: none).
    """
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
            cold = await time_cold_replay(path)
            await time_replay(path, tool_latency)  # warm-up: trace parsing, replay doubles
            runs = [await time_run(model_latency, tool_latency) for _ in range(run_repeats)]
            replays = [await time_replay(path, tool_latency) for _ in range(replay_repeats)]
            run_s = median(runs)
            replay_s = median([wall for wall, _ in replays])
            rows.append(
                {
                    "setting": label,
                    "M_ms": model_latency * 1e3,
                    "L_ms": tool_latency * 1e3,
                    "run_ms": run_s * 1e3,
                    "replay_ms": replay_s * 1e3,
                    "replay_cpu_ms": median([cpu for _, cpu in replays]) * 1e3,
                    "cold_ms": cold * 1e3,
                    "speedup": run_s / replay_s,
                    "cpu_speedup": run_s / median([cpu for _, cpu in replays]),
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
            f"{replay_repeats} replays; each replay reads and parses the file, checks the "
            "surface and re-runs the request, reusing the engine built by the first replay of "
            "the agent (as the replays of a test suite do). The cold replay builds it first."
        ),
        params={
            "reads": READS,
            "run_repeats": run_repeats,
            "replay_repeats": replay_repeats,
            "suite": suite,
        },
        tables=[
            Table(
                "Run vs replay",
                [
                    Column("setting", "recorded run"),
                    Column("run_ms", "run (ms)", fixed(1)),
                    Column("replay_ms", "replay (ms)", fixed(1)),
                    Column("replay_cpu_ms", "replay CPU (ms)", fixed(1)),
                    Column("cold_ms", "cold replay (ms)", fixed(1)),
                    Column("speedup", "run ÷ replay", fixed(1)),
                    Column("cpu_speedup", "run ÷ replay CPU", fixed(1)),
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
            "The agent is built once per process for all its replays "
            "(`plangate.graphs.traces.replay_cache`): its stand-ins serve the replay under way "
            "(a context variable), and its checkpointer keeps one store per replay, so "
            "replays stay apart. The cold replay column is a replay that builds it.",
            "The targets are judged on wall time. On a busy machine a replay's wall time "
            "includes waiting for a core, which its CPU time does not: run ÷ replay CPU is the "
            "speed-up the same replay reaches with a core to itself.",
            "The rows replay one trace file again and again; the suite replays distinct "
            "runs, each once, as a test suite does: what is remembered across replays "
            "(strings known to hold no PII, the agent's schemas) is only what recurs between "
            "its traces.",
            "Where a replay's time goes: each part's functions' own time under cProfile "
            "(a built-in's or the standard library's counts for its callers' parts); "
            "`python -m bench.profile_replay` prints it with the top functions.",
        ],
    )
    from bench.profile_replay import profiled, shares

    spent = shares(await profiled(replays=10))
    report.tables.append(
        Table(
            "Where a replay's time goes (cProfile over 10 replays of the no-latency run)",
            [Column("part", "part"), Column("share", "share of the time (%)", fixed(1))],
            [{"part": part, "share": share * 100} for part, share in spent],
        )
    )
    figures: dict[str, Any] = {}
    if suite:
        figures = await measure_suite(suite)
        report.tables.append(
            Table(
                f"{suite} replays in one process",
                [
                    Column("replays", "replays"),
                    Column("distinct_runs", "distinct runs"),
                    Column("replays_per_s", "replays/s", fixed(1)),
                    Column("ms_per_replay", "ms per replay", fixed(2)),
                    Column("cpu_ms_per_replay", "CPU ms per replay", fixed(2)),
                    Column("compilations", "graph compilations"),
                    Column("agents_built", "agents built"),
                ],
                [figures],
            )
        )
    bare = next((row for row in rows if row["M_ms"] == 0 and row["L_ms"] == 0), None)
    if bare is not None:
        report.notes.append(
            f"Replaying takes {bare['replay_ms'] / bare['run_ms']:.2f}× the time of the same "
            f"run with no latency ({bare['replay_ms']:.1f} vs {bare['run_ms']:.1f} ms): a "
            "replay is the engine's own work plus reading the trace and matching each "
            "request, so the speed-up is bounded by the run's waiting time over that CPU time; "
            f"50× needs a run of about {50 * bare['replay_ms'] / 1e3:.2f} s, 200× one of "
            f"{200 * bare['replay_ms'] / 1e3:.2f} s."
        )
    report.headlines = [
        (f"run ÷ replay, {row['setting']}", f"{row['speedup']:.1f}×") for row in rows
    ]
    for row in rows:
        if row["M_ms"] == 0 and row["L_ms"] == 0:
            continue
        goal = TARGETS.get(row["M_ms"] / 1e3, min(TARGETS.values()))
        report.targets.append(
            Target(
                f"replay ≥ {goal:.0f}× faster than the run ({row['setting']})",
                f"{row['speedup']:.1f}× ({row['run_ms']:.0f} vs {row['replay_ms']:.1f} ms)",
                row["speedup"] >= goal,
            )
        )
    if suite:
        report.headlines.append(
            (f"{suite} replays in one process", f"{figures['replays_per_s']:.0f} replays/s")
        )
        report.targets.append(
            Target(
                f"{suite} replays of one agent compile its graph once",
                f"{figures['compilations']} compilation(s), {figures['agents_built']} "
                "agent(s) built",
                figures["compilations"] == figures["agents"],
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
    """The benchmark: every setting and the suite of ``SUITE`` replays; ``quick``: the
    no-latency and fast-model settings and a suite of 100."""
    if quick:
        return asyncio.run(
            measure(settings=SETTINGS[:2], run_repeats=1, replay_repeats=3, suite=100)
        )
    return asyncio.run(measure(suite=SUITE))
