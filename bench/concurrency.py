"""concurrency: many runs at once in one process, against the real sandbox backends.

Each run is a plangate ``plan`` run: ``LLMPlanner`` (a zero-latency ``ScriptedChatModel``)
plans three ``get_quote`` reads, which run in parallel against the in-process sandbox market
(``plangate.tools.domains.backends.sandbox_backends``) slowed by a ``FaultPlan`` latency on a
``SystemClock``, through the guardrails, and a ``FunctionResponder`` answers. One ``Engine`` (one
compiled graph, one checkpointer) serves all runs, as a server would.

Each concurrency level runs in a fresh subprocess (``python -m bench.concurrency --level N``) so
its peak memory is its own: the figure is the growth of the peak resident set over the
process's resident set just before the level starts (after imports and a warm-up run).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import workload
from bench.report import Chart, Column, Report, Table, Target, fixed
from bench.stats import median, percentile
from plangate.graphs.engine.plan import Plan
from plangate.graphs.offline.scripted import ScriptedChatModel, plan_message
from plangate.tools.clock import SystemClock
from plangate.tools.domains.backends import bind_tools, sandbox_backends
from plangate.tools.faults import FaultPlan

SYMBOLS = ("AAPL", "MSFT", "NVDA")
REPO = Path(__file__).resolve().parents[1]


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
    level: int, *, sandbox_latency_ms: float = 20.0, model_latency: float = 0.0
) -> dict[str, Any]:
    """Start ``level`` runs at once on one engine; their latencies, throughput, errors, memory."""
    clock = SystemClock()
    backends = sandbox_backends(clock=clock, faults=FaultPlan(latency_ms=sandbox_latency_ms))
    toolset = bind_tools(backends).allow(["get_quote"])
    plan = _quotes_plan()

    def engine(runs: int) -> tuple[Any, ScriptedChatModel]:
        model = ScriptedChatModel([plan_message(plan)] * runs, latency=model_latency)
        return workload.engine(model=model, toolset=toolset, clock=clock), model

    warm, _ = engine(1)
    await warm.run("quotes")
    shared, _ = engine(level)
    gc.collect()
    rss_before = _status_mb("VmRSS")
    reset = _reset_peak()

    async def one(index: int) -> tuple[float, str | None]:
        started = time.perf_counter()
        try:
            result = await shared.run(f"quotes {index}")
        except Exception as exc:
            return time.perf_counter() - started, f"{type(exc).__name__}: {exc}"
        elapsed = time.perf_counter() - started
        if result.status != "done":
            return elapsed, f"{result.status}: {result.error}"
        return elapsed, None

    started = time.perf_counter()
    outcomes = await asyncio.gather(*(one(n) for n in range(level)))
    wall = time.perf_counter() - started
    latencies = [elapsed for elapsed, _ in outcomes]
    errors = [error for _, error in outcomes if error is not None]
    peak = _peak_mb()
    return {
        "level": level,
        "wall_s": wall,
        "throughput": level / wall,
        "p50_ms": percentile(latencies, 0.5) * 1e3,
        "p99_ms": percentile(latencies, 0.99) * 1e3,
        "median_ms": median(latencies) * 1e3,
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "rss_before_mb": rss_before,
        "peak_rss_mb": peak,
        "added_mb": None if peak is None or rss_before is None else max(0.0, peak - rss_before),
        "peak_reset": reset,
    }


def _in_subprocess(level: int, sandbox_latency_ms: float, model_latency: float) -> dict[str, Any]:
    command = [
        sys.executable, "-m", "bench.concurrency", "--level", str(level),
        "--sandbox-latency-ms", str(sandbox_latency_ms), "--model-latency", str(model_latency),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"level {level} failed:\n{done.stderr[-2000:]}")
    data: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return data


def measure(
    *,
    levels: Sequence[int] = (1, 10, 50, 100, 250, 500),
    sandbox_latency_ms: float = 20.0,
    model_latency: float = 0.0,
    isolate: bool = True,
) -> Report:
    """Measure each concurrency level (in its own subprocess when ``isolate``)."""
    rows = []
    for level in sorted(set(levels)):
        if isolate:
            rows.append(_in_subprocess(level, sandbox_latency_ms, model_latency))
        else:
            rows.append(
                asyncio.run(
                    measure_level(
                        level, sandbox_latency_ms=sandbox_latency_ms, model_latency=model_latency
                    )
                )
            )
    for row in rows:
        row["per_run_kb"] = (
            None if row["added_mb"] is None else row["added_mb"] * 1024 / row["level"]
        )
    top = rows[-1]
    errors = sum(row["errors"] for row in rows)
    report = Report(
        name="concurrency",
        title="Concurrency: many runs in one process",
        summary=(
            "N plangate runs started at once on one Engine in one process (one event loop, so "
            "one CPU does the work). Each run plans three `get_quote` reads (LLMPlanner, zero-latency "
            f"scripted model), runs them in parallel against the sandbox market with a "
            f"{sandbox_latency_ms:.0f} ms FaultPlan latency on a SystemClock, guarded by "
            "PIIRedaction + PromptInjection + ApproveWrites, and answers with a FunctionResponder."
        ),
        params={
            "levels": [row["level"] for row in rows],
            "sandbox_latency_ms": sandbox_latency_ms,
            "model_latency_s": model_latency,
            "isolated": isolate,
        },
        tables=[
            Table(
                "Throughput, latency, memory, errors",
                [
                    Column("level", "concurrent runs"),
                    Column("wall_s", "wall (s)", fixed(2)),
                    Column("throughput", "runs/s", fixed(1)),
                    Column("p50_ms", "p50 (ms)", fixed(0)),
                    Column("p99_ms", "p99 (ms)", fixed(0)),
                    Column("added_mb", "peak RSS growth (MiB)", fixed(1)),
                    Column("per_run_kb", "per run (KiB)", fixed(0)),
                    Column("peak_rss_mb", "peak RSS (MiB)", fixed(0)),
                    Column("errors", "errors"),
                ],
                rows,
            )
        ],
        chart=Chart(
            title="Concurrent runs: throughput and latency",
            x_label="concurrent runs",
            y_label="runs/s  |  ms",
            x=[row["level"] for row in rows],
            series={
                "throughput (runs/s)": [row["throughput"] for row in rows],
                "p50 latency (ms)": [row["p50_ms"] for row in rows],
                "p99 latency (ms)": [row["p99_ms"] for row in rows],
            },
            log_x=True,
            log_y=True,
        ),
        targets=[
            Target(
                f"no errors up to {top['level']} concurrent runs",
                f"{errors} error(s)"
                + (
                    f"; first: {next(r['first_error'] for r in rows if r['errors'])}"
                    if errors
                    else ""
                ),
                errors == 0,
            )
        ],
        notes=[
            "Latency is each run's own start-to-end time; all runs start together, so at high "
            "levels it is dominated by waiting for the CPU: one event loop interleaves every run.",
            "The sandbox latency overlaps across runs; throughput is bounded by the CPU each run "
            "needs (planning, validation, guardrails, checkpoints), not by the 20 ms waits.",
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
            f"{top['level']} concurrent runs: runs/s, p50 / p99 ms",
            f"{top['throughput']:,.1f}, {top['p50_ms']:,.0f} / {top['p99_ms']:,.0f}",
        ),
        (
            f"{top['level']} concurrent runs: peak RSS growth",
            "-" if top["added_mb"] is None else f"{top['added_mb']:,.1f} MiB",
        ),
        ("errors, all levels", str(errors)),
    ]
    if top["level"] < 500:
        report.targets[0] = Target(
            "no errors up to 500 concurrent runs",
            f"{errors} error(s) up to {top['level']} (500 not run in this mode)",
            None if errors == 0 else False,
        )
    return report


def run(*, quick: bool = False) -> Report:
    """The benchmark at full size, or ``quick`` (up to 100 runs)."""
    if quick:
        return measure(levels=(1, 10, 50, 100))
    return measure()


def main(argv: Sequence[str] | None = None) -> None:
    """Worker entry point: measure one level and print it as one JSON line."""
    parser = argparse.ArgumentParser(prog="python -m bench.concurrency")
    parser.add_argument("--level", type=int, required=True)
    parser.add_argument("--sandbox-latency-ms", type=float, default=20.0)
    parser.add_argument("--model-latency", type=float, default=0.0)
    args = parser.parse_args(argv)
    result = asyncio.run(
        measure_level(
            args.level,
            sandbox_latency_ms=args.sandbox_latency_ms,
            model_latency=args.model_latency,
        )
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
