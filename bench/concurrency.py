"""concurrency: many runs at once in one process, against the real sandbox backends.

Each run is a plangate ``plan`` run: ``LLMPlanner`` (a zero-latency ``ScriptedChatModel``)
plans three ``get_quote`` reads, which run in parallel against the in-process sandbox market
(``plangate.tools.domains.backends.sandbox_backends``) slowed by a ``FaultPlan`` latency on a
``SystemClock``, through the guardrails, and a ``FunctionResponder`` answers. One ``Engine`` (one
compiled graph, one checkpointer) serves all runs, as a server would.

Each level runs twice side by side: with the interpreter's garbage-collector settings, and with
plangate's ``SERVER_POLICY`` applied as a server applies it (``apply_gc_policy()`` once set up,
after the warm-up run). Further configurations (freeze only, larger young generation only, the
collector off) are measured at two levels to show what each part of the policy contributes; the
collector off is a reference, never a configuration to run. Collections and their time per
generation are counted through ``gc.callbacks``.

Each measurement runs in a fresh subprocess (``python -m bench.concurrency --level N --gc G``) so
its peak memory and its collector's state are its own: the memory figure is the growth of the
peak resident set over the process's resident set just before the level starts (after imports
and a warm-up run). Each is repeated and the repeat with the highest throughput is kept.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from bench import workload
from bench.report import Chart, Column, Report, Table, Target, fixed
from bench.stats import median, percentile
from plangate.graphs.engine.gc_policy import (
    SERVER_POLICY,
    GCPolicy,
    apply_gc_policy,
    current_gc_settings,
    restore_gc_settings,
)
from plangate.graphs.engine.plan import Plan
from plangate.graphs.offline.scripted import ScriptedChatModel, plan_message
from plangate.tools.clock import SystemClock
from plangate.tools.domains.backends import bind_tools, sandbox_backends
from plangate.tools.faults import FaultPlan

SYMBOLS = ("AAPL", "MSFT", "NVDA")
REPO = Path(__file__).resolve().parents[1]
LEVELS = (1, 10, 50, 100, 250, 500)
POLICIES = ("python", "plangate")
"""The two configurations measured at every level: the interpreter's GC settings, plangate's."""
ABLATIONS = ("freeze", "young", "off")
"""Configurations measured at the low and high level only: freeze only, young generation only,
and the collector off (a reference)."""
TARGET_SHARE = 0.85
"""Issue 13, target 5: 500 concurrent runs keep at least 85% of the 50-run throughput."""


def _set_gc(policy: str) -> None:
    """Put this process's collector in configuration ``policy`` (after set-up, before the runs)."""
    if policy == "python":
        return
    if policy == "plangate":
        apply_gc_policy(SERVER_POLICY, environ={})
    elif policy == "freeze":
        apply_gc_policy(GCPolicy(thresholds=gc.get_threshold(), freeze=True), environ={})
    elif policy == "young":
        apply_gc_policy(GCPolicy(thresholds=SERVER_POLICY.thresholds, freeze=False), environ={})
    elif policy == "off":
        gc.disable()
    else:
        raise ValueError(f"unknown GC configuration {policy!r}")


class GCMeter:
    """Collections and the CPU seconds they took, per generation, while the meter is entered."""

    def __init__(self, clock: Callable[[], float] = time.process_time) -> None:
        self.counts = [0, 0, 0]
        self.seconds = [0.0, 0.0, 0.0]
        self._clock = clock
        self._started = 0.0

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = self._clock()
            return
        generation = info["generation"]
        self.counts[generation] += 1
        self.seconds[generation] += self._clock() - self._started

    def __enter__(self) -> GCMeter:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        gc.callbacks.remove(self._callback)


def _quotes_plan() -> Plan:
    steps = [
        {"id": f"q{n}", "tool": "get_quote", "args": {"symbol": symbol}}
        for n, symbol in enumerate(SYMBOLS, 1)
    ]
    return Plan.model_validate({"steps": steps})


def _status_mb(field: str) -> float | None:
    """A ``kB`` field of ``/proc/self/status`` (Linux) in MiB: ``VmRSS`` now, ``VmHWM`` peak."""
    try:
        lines = Path("/proc/self/status").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return None


def _reset_peak() -> bool:
    """Reset this process's peak resident set (Linux ``clear_refs``); ``False`` if unsupported."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _peak_mb() -> float | None:
    """The peak resident set in MiB: since the last reset on Linux, else since the start."""
    peak = _status_mb("VmHWM")
    if peak is not None:
        return peak
    try:
        import resource
    except ImportError:  # not on Windows
        return None
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / 2**20 if sys.platform == "darwin" else maxrss / 2**10


async def measure_level(
    level: int,
    *,
    runs: int | None = None,
    gc_policy: str = "python",
    sandbox_latency_ms: float = 20.0,
    model_latency: float = 0.0,
) -> dict[str, Any]:
    """Start ``level`` runs at once on one engine; their latencies, throughput, errors, memory.

    With ``runs`` above ``level``, the load is sustained: ``runs`` runs in all, a new one
    starting as soon as one ends, ``level`` in flight. ``gc_policy`` is applied once the engine
    is built and warmed up, as a server applies it.
    """
    total = max(runs or level, level)
    clock = SystemClock()
    backends = sandbox_backends(clock=clock, faults=FaultPlan(latency_ms=sandbox_latency_ms))
    toolset = bind_tools(backends).allow(["get_quote"])
    plan = _quotes_plan()

    def engine(runs: int) -> tuple[Any, ScriptedChatModel]:
        model = ScriptedChatModel([plan_message(plan)] * runs, latency=model_latency)
        return workload.engine(model=model, toolset=toolset, clock=clock), model

    warm, _ = engine(1)
    await warm.run("quotes")
    shared, _ = engine(total)
    interpreter_thresholds = gc.get_threshold()
    settings = current_gc_settings()  # put back afterwards: a process measures several cases
    _set_gc(gc_policy)
    gc.collect()
    rss_before = _status_mb("VmRSS")
    reset = _reset_peak()

    slots = asyncio.Semaphore(level)

    async def one(index: int) -> tuple[float, str | None]:
        async with slots:
            started = time.perf_counter()
            try:
                result = await shared.run(f"quotes {index}")
            except Exception as exc:
                return time.perf_counter() - started, f"{type(exc).__name__}: {exc}"
            elapsed = time.perf_counter() - started
        if result.status != "done":
            return elapsed, f"{result.status}: {result.error}"
        return elapsed, None

    cpu_started, started = time.process_time(), time.perf_counter()
    with GCMeter() as meter:
        outcomes = await asyncio.gather(*(one(n) for n in range(total)))
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    gc.enable()
    restore_gc_settings(settings)
    latencies = [elapsed for elapsed, _ in outcomes]
    errors = [error for _, error in outcomes if error is not None]
    peak = _peak_mb()
    gc_seconds = sum(meter.seconds)
    return {
        "level": level,
        "runs": total,
        "gc": gc_policy,
        "interpreter_thresholds": list(interpreter_thresholds),
        "wall_s": wall,
        "throughput": total / wall,
        "p50_ms": percentile(latencies, 0.5) * 1e3,
        "p99_ms": percentile(latencies, 0.99) * 1e3,
        "median_ms": median(latencies) * 1e3,
        "cpu_ms_per_run": cpu * 1e3 / total,
        "collections": "/".join(str(count) for count in meter.counts),
        "gc_s": gc_seconds,
        "gc_full_s": meter.seconds[2],
        "gc_s_by_generation": list(meter.seconds),
        "gc_share": gc_seconds / cpu if cpu else None,
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "rss_before_mb": rss_before,
        "peak_rss_mb": peak,
        "added_mb": None if peak is None or rss_before is None else max(0.0, peak - rss_before),
        "peak_reset": reset,
    }


def _in_subprocess(
    level: int, runs: int, gc_policy: str, sandbox_latency_ms: float, model_latency: float
) -> dict[str, Any]:
    command = [
        sys.executable, "-m", "bench.concurrency", "--level", str(level), "--runs", str(runs),
        "--gc", gc_policy,
        "--sandbox-latency-ms", str(sandbox_latency_ms), "--model-latency", str(model_latency),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"level {level} ({gc_policy}) failed:\n{done.stderr[-2000:]}")
    data: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return data


def _best_row(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The repeat with the highest throughput: other processes on the machine only ever slow a
    measurement down, so the fastest repeat is the closest to what the code costs."""
    row = dict(max(rows, key=lambda row: row["throughput"]))
    row["repeats"] = len(rows)
    row["throughputs"] = [round(r["throughput"], 1) for r in rows]
    row["cpu_ms_per_run_all"] = [round(r["cpu_ms_per_run"], 2) for r in rows]
    row["errors"] = sum(r["errors"] for r in rows)
    row["first_error"] = next((r["first_error"] for r in rows if r["errors"]), None)
    return row


Case = tuple[int, int, str]
"""One measurement: runs in flight, runs in all, GC configuration."""


def _measure_all(
    cases: Sequence[Case],
    *,
    repeats: int,
    sandbox_latency_ms: float,
    model_latency: float,
    isolate: bool,
) -> list[dict[str, Any]]:
    """Each case ``repeats`` times, the repeats interleaved across the cases so a change in the
    machine's load falls on all of them alike."""
    samples: dict[Case, list[dict[str, Any]]] = {case: [] for case in cases}
    for _ in range(repeats):
        for level, runs, policy in cases:
            if isolate:
                row = _in_subprocess(level, runs, policy, sandbox_latency_ms, model_latency)
            else:
                row = asyncio.run(
                    measure_level(
                        level,
                        runs=runs,
                        gc_policy=policy,
                        sandbox_latency_ms=sandbox_latency_ms,
                        model_latency=model_latency,
                    )
                )
            samples[(level, runs, policy)].append(row)
    rows = [_best_row(samples[case]) for case in cases]
    for row in rows:
        row["per_run_kb"] = (
            None if row["added_mb"] is None else row["added_mb"] * 1024 / row["level"]
        )
    return rows


COLUMNS = [
    Column("level", "concurrent runs"),
    Column("runs", "runs in all"),
    Column("gc", "GC"),
    Column("throughput", "runs/s", fixed(1)),
    Column("p50_ms", "p50 (ms)", fixed(0)),
    Column("p99_ms", "p99 (ms)", fixed(0)),
    Column("cpu_ms_per_run", "CPU per run (ms)", fixed(1)),
    Column("collections", "collections gen 0/1/2"),
    Column("gc_s", "GC CPU (s)", fixed(2)),
    Column(
        "gc_s_by_generation",
        "of which gen 0/1/2 (s)",
        lambda v: "-" if v is None else "/".join(f"{x:.2f}" for x in v),
    ),
    Column("gc_share", "GC share of CPU", lambda v: "-" if v is None else f"{v:.0%}"),
    Column("added_mb", "peak RSS growth (MiB)", fixed(1)),
    Column("per_run_kb", "per run (KiB)", fixed(0)),
    Column("errors", "errors"),
]


def _ratio_target(rows: Sequence[dict[str, Any]], policy: str, low: int, high: int) -> Target:
    """Throughput at ``high`` runs as a share of ``low`` runs' under ``policy``."""
    by_level = {row["level"]: row for row in rows if row["gc"] == policy}
    goal = f"{high} concurrent runs ({policy} GC): runs/s ≥ {TARGET_SHARE:.0%} of {low} runs'"
    if low not in by_level or high not in by_level:
        return Target(goal, f"{low} and {high} not both run in this mode", None)
    share = by_level[high]["throughput"] / by_level[low]["throughput"]
    measured = (
        f"{by_level[high]['throughput']:.1f} vs {by_level[low]['throughput']:.1f} runs/s "
        f"({share:.0%}); p99 {by_level[high]['p99_ms']:,.0f} ms"
    )
    return Target(goal, measured, share >= TARGET_SHARE)


def _cpu_target(rows: Sequence[dict[str, Any]], policy: str, low: int, high: int) -> Target:
    """CPU per run at ``high`` runs against ``low`` runs' under ``policy``: the same target in
    the terms that do not depend on how busy the machine is."""
    by_level = {row["level"]: row for row in rows if row["gc"] == policy}
    goal = (
        f"{high} concurrent runs ({policy} GC): CPU per run ≤ {1 / TARGET_SHARE:.3f}× "
        f"{low} runs' (the same target, independent of the machine's load)"
    )
    if low not in by_level or high not in by_level:
        return Target(goal, f"{low} and {high} not both run in this mode", None)
    ratio = by_level[high]["cpu_ms_per_run"] / by_level[low]["cpu_ms_per_run"]
    measured = (
        f"{by_level[high]['cpu_ms_per_run']:.1f} vs {by_level[low]['cpu_ms_per_run']:.1f} ms "
        f"({ratio:.3f}×)"
    )
    return Target(goal, measured, ratio <= 1 / TARGET_SHARE)


def measure(
    *,
    levels: Sequence[int] = LEVELS,
    ablation_levels: Sequence[int] = (50, 500),
    sustained: tuple[int, int] | None = (500, 1500),
    repeats: int = 5,
    sandbox_latency_ms: float = 20.0,
    model_latency: float = 0.0,
    isolate: bool = True,
) -> Report:
    """Measure each level under each GC configuration (in its own subprocess when ``isolate``).

    Args:
        levels: the runs started at once, each measured under ``POLICIES``.
        ablation_levels: the levels also measured under ``ABLATIONS``.
        sustained: (in flight, in all): a sustained load, under ``POLICIES``; ``None`` skips it.
        repeats: measurements of each case; the one with the highest throughput is kept.
        sandbox_latency_ms: the sandbox market's latency per call.
        model_latency: the scripted model's latency per call, in seconds.
        isolate: each measurement in its own subprocess.
    """
    levels = sorted(set(levels))
    ablation_levels = sorted(set(ablation_levels))
    main_cases = [(level, level, policy) for level in levels for policy in POLICIES]
    extra_cases = [(level, level, policy) for level in ablation_levels for policy in ABLATIONS]
    if sustained is not None:
        extra_cases += [(*sustained, policy) for policy in POLICIES]
    rows = _measure_all(
        main_cases + extra_cases,
        repeats=repeats,
        sandbox_latency_ms=sandbox_latency_ms,
        model_latency=model_latency,
        isolate=isolate,
    )
    main = rows[: len(main_cases)]
    side_by_side = sorted(
        (row for row in rows if row["level"] in ablation_levels or row["runs"] > row["level"]),
        key=lambda row: (row["runs"], row["level"], (POLICIES + ABLATIONS).index(row["gc"])),
    )
    top, low = levels[-1], 50 if 50 in levels else levels[0]
    errors = sum(row["errors"] for row in rows)
    served = {row["level"]: row for row in main if row["gc"] == "plangate"}
    plain = {row["level"]: row for row in main if row["gc"] == "python"}
    report = Report(
        name="concurrency",
        title="Concurrency: many runs in one process",
        summary=(
            "N plangate runs started at once on one Engine in one process (one event loop, so "
            "one CPU does the work). Each run plans three `get_quote` reads (LLMPlanner, "
            f"zero-latency scripted model), runs them in parallel against the sandbox market "
            f"with a {sandbox_latency_ms:.0f} ms FaultPlan latency on a SystemClock, guarded by "
            "PIIRedaction + PromptInjection + ApproveWrites, and answers with a "
            "FunctionResponder. Every level is measured with the interpreter's garbage-collector "
            "settings (`python`) and with plangate's server policy (`plangate`: "
            f"`apply_gc_policy()`, young generation {SERVER_POLICY.thresholds[0]:,} allocations, "
            f"thresholds {SERVER_POLICY.thresholds}, set-up objects frozen), applied after "
            "set-up, as a server applies it."
        ),
        params={
            "levels": levels,
            "ablation_levels": ablation_levels,
            "sustained": None if sustained is None else list(sustained),
            "repeats": repeats,
            "sandbox_latency_ms": sandbox_latency_ms,
            "model_latency_s": model_latency,
            "isolated": isolate,
            "server_policy": {
                "thresholds": list(SERVER_POLICY.thresholds),
                "freeze": SERVER_POLICY.freeze,
            },
        },
        tables=[
            Table("Throughput, latency, CPU, collector, memory, errors", COLUMNS, main),
            Table(
                f"Each part of the policy, side by side ({', '.join(map(str, ablation_levels))} "
                "runs at once"
                + (
                    ""
                    if sustained is None
                    else f"; {sustained[1]:,} runs, {sustained[0]} in flight at a time"
                )
                + ")",
                COLUMNS,
                side_by_side,
            ),
        ],
        chart=Chart(
            title="Concurrent runs: throughput and latency, by GC configuration",
            x_label="concurrent runs",
            y_label="runs/s  |  ms",
            x=levels,
            series={
                f"{label} {name}": [table[level][key] for level in levels]
                for label, table in (("python GC", plain), ("plangate GC", served))
                for name, key in (("runs/s", "throughput"), ("p99 ms", "p99_ms"))
            },
            log_x=True,
            log_y=True,
        ),
        targets=[
            _ratio_target(main, "plangate", low, 500),
            _cpu_target(main, "plangate", low, 500),
            Target(
                "no errors up to 500 concurrent runs",
                f"{errors} error(s) up to {top}"
                + (
                    f"; first: {next(r['first_error'] for r in rows if r['errors'])}"
                    if errors
                    else ""
                ),
                (errors == 0) if top >= 500 else (None if errors == 0 else False),
            ),
        ],
        notes=[
            "Latency is each run's own start-to-end time; all runs start together, so at high "
            "levels it is dominated by waiting for the CPU: one event loop interleaves every run.",
            "The sandbox latency overlaps across runs; throughput is bounded by the CPU each run "
            "needs (planning, validation, guardrails, checkpoints), not by the 20 ms waits.",
            "GC configurations: `python` the interpreter's thresholds "
            f"{tuple(main[0]['interpreter_thresholds'])}; `plangate` "
            "`apply_gc_policy()`; `freeze` only `gc.freeze()` after a collection; `young` only "
            f"the thresholds {SERVER_POLICY.thresholds}; `off` the collector disabled during the "
            "runs, a reference for what the collector costs, not a configuration to run.",
            "Collections and their CPU seconds (`time.process_time`) are counted by "
            "`gc.callbacks` during the runs only; the GC share is those seconds over the "
            "process's CPU time during the runs. CPU per run depends much less on how busy "
            "the machine is than runs/s, which falls when other processes take some of the CPU.",
            f"Each row is the repeat with the highest throughput of {repeats} (other processes "
            "only ever slow a measurement down); every repeat's throughput and CPU per run are "
            "in the JSON (`throughputs`, `cpu_ms_per_run_all`). Repeats are interleaved across "
            "configurations so the machine's load falls on all alike.",
            "Sustained load: a new run starts as soon as one ends, the stated number in flight. "
            "The Engine's checkpointer (LangGraph's InMemorySaver) keeps every finished run's "
            "checkpoints, so the live heap grows with the runs done, as it does in a server "
            "that uses the in-memory checkpointer; full collections rescan all of it.",
            "Memory: peak resident set growth of a fresh process over its resident set just "
            "before the level started (after imports and one warm-up run; the peak is reset "
            "there through /proc/self/clear_refs). The scripted model records every request, a "
            "few KiB per run, included.",
        ],
    )
    if not all(row.get("peak_reset") for row in rows):
        report.notes.append(
            "The peak resident set could not be reset on this system, so the growth is an "
            "upper bound: it includes the peak reached while importing."
        )
    report.headlines = [
        (
            f"{top} concurrent runs, {name} GC: runs/s, p50 / p99 ms",
            f"{table[top]['throughput']:,.1f}, {table[top]['p50_ms']:,.0f} / "
            f"{table[top]['p99_ms']:,.0f}",
        )
        for name, table in (("plangate", served), ("python", plain))
    ]
    if low in served and top in served:
        report.headlines += [
            (
                f"{top} vs {low} runs: throughput kept, {name} GC",
                f"{table[top]['throughput'] / table[low]['throughput']:.0%}",
            )
            for name, table in (("plangate", served), ("python", plain))
        ]
    report.headlines += [
        (
            f"{top} concurrent runs: peak RSS growth",
            "-" if served[top]["added_mb"] is None else f"{served[top]['added_mb']:,.1f} MiB",
        ),
        ("errors, all levels", str(errors)),
    ]
    return report


def run(*, quick: bool = False) -> Report:
    """The benchmark at full size, or ``quick`` (up to 100 runs, once each)."""
    if quick:
        return measure(
            levels=(10, 50, 100), ablation_levels=(50, 100), sustained=(100, 300), repeats=1
        )
    return measure()


def main(argv: Sequence[str] | None = None) -> None:
    """Worker entry point: measure one level and print it as one JSON line."""
    parser = argparse.ArgumentParser(prog="python -m bench.concurrency")
    parser.add_argument("--level", type=int, required=True)
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--gc", choices=POLICIES + ABLATIONS, default="python")
    parser.add_argument("--sandbox-latency-ms", type=float, default=20.0)
    parser.add_argument("--model-latency", type=float, default=0.0)
    args = parser.parse_args(argv)
    result = asyncio.run(
        measure_level(
            args.level,
            runs=args.runs,
            gc_policy=args.gc,
            sandbox_latency_ms=args.sandbox_latency_ms,
            model_latency=args.model_latency,
        )
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
