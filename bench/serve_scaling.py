"""Serving on PostgreSQL: runs/s and run latency for 1, 2 and 4 worker processes, and the cost
of PostgreSQL against SQLite per step.

**Scaling.** A scratch database is created (and dropped after). ``N`` worker processes
(``RunWorker`` over the store, as ``plangate worker`` runs it) start and say they are ready;
then ``R`` runs of the trading assistant ("Quotes for Microsoft and Nvidia": two quote reads,
no write) are queued at once, and the clock stops when the last one has ended. Each worker runs
``CONCURRENCY`` runs at a time and each sandbox operation sleeps ``LATENCY_MS``
(``FaultPlan(latency_ms=…)``), so a run is I/O-bound like a run against real services, and the
curve shows how the workers scale rather than the 2 cores. A run's latency is from its first event (a worker starting it) to its
``run_ended`` event, both on the database's clock; time waiting in the queue shows in runs/s. The runs read only: runs that write take turns on their sandbox world (each
holds it, ``Worlds.hold``), which bounds writes to one world by one run at a time.

**Per step.** The same engine runs the same requests in this process over ``open_store`` on
SQLite (a scratch folder) and on PostgreSQL, side by side; the difference per executed step is
what the PostgreSQL checkpointer and ledger cost.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import statistics
import tempfile
import time
import uuid
from multiprocessing.synchronize import Event as ProcessEvent
from typing import Any

from bench.report import Column, Report, Table, Target, fixed

ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
LATENCY_MS = 400.0
CONCURRENCY = 2
REQUEST = "Quotes for Microsoft and Nvidia"
AGENT = "trading"


def _engines(store: Any, latency_ms: float) -> Any:
    """The trading assistant over ``store``, its sandbox slowed by ``latency_ms``."""
    from plangate.agents import Agent
    from plangate.demos.cli.runner import load_spec
    from plangate.tools.domains.backends import bind_tools, sandbox_backends
    from plangate.tools.faults import FaultPlan

    faults = FaultPlan(latency_ms=latency_ms)
    backends = sandbox_backends(seed=0, clock=store.clock, faults=faults)
    agent = Agent(
        load_spec(AGENT),
        bind_tools(backends),
        checkpointer=store.checkpointer,
        ledger=store.ledger,
        clock=store.clock,
    )
    return lambda name: agent.engine


def _worker_main(url: str, latency_ms: float, ready: ProcessEvent, index: int) -> None:
    """One worker process: open the store, say so, run queued runs until terminated."""

    async def main() -> None:
        from plangate.demos.serve.store import open_store
        from plangate.demos.serve.worker import RunWorker

        async with open_store(url) as store:
            worker = RunWorker(url, _engines(store, latency_ms))
            await worker.setup()
            ready.set()
            await worker.run(concurrency=CONCURRENCY, heartbeat=2.0, name=f"bench-{index}")

    asyncio.run(main())


async def _scaling(url: str, workers: int, runs: int, latency_ms: float) -> dict[str, Any]:
    import psycopg

    from plangate.demos.serve.queued import queued_runs

    context = multiprocessing.get_context("spawn")
    events = [context.Event() for _ in range(workers)]
    processes = [
        context.Process(target=_worker_main, args=(url, latency_ms, events[i], i), daemon=True)
        for i in range(workers)
    ]
    for process in processes:
        process.start()
    try:
        for event in events:
            if not await asyncio.to_thread(event.wait, 60):
                raise RuntimeError("a worker process did not start within 60 s")
        async with queued_runs(url, {AGENT: "trades"}) as service:
            threads = [f"b-{uuid.uuid4().hex[:10]}" for _ in range(runs)]
            for thread in threads:
                await service.create_thread(thread)
            started = time.perf_counter()
            made = [await service.start(t, AGENT, REQUEST) for t in threads]
            ended = [
                await service.wait(t, r.run_id, 120) for t, r in zip(threads, made, strict=True)
            ]
            wall = time.perf_counter() - started
        statuses = {r.status for r in ended}
        async with await psycopg.AsyncConnection.connect(url) as conn:
            cursor = await conn.execute(
                "SELECT EXTRACT(EPOCH FROM max(created_at) - min(created_at)) FROM plangate_events"
                " WHERE run_id = ANY(%s) GROUP BY run_id",
                ([r.run_id for r in made],),
            )
            latencies = sorted(float(row[0]) for row in await cursor.fetchall())
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(10)
    return {
        "workers": workers,
        "runs": runs,
        "statuses": ", ".join(sorted(statuses)),
        "runs_per_s": runs / wall,
        "p50_ms": 1e3 * statistics.median(latencies),
        "p99_ms": 1e3 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
    }


async def _per_step(url: str, runs: int) -> list[dict[str, Any]]:
    from plangate.demos.serve.store import open_store

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for label, where in (("SQLite", f"sqlite:{folder}"), ("PostgreSQL", url)):
            async with open_store(where) as store:
                engine = _engines(store, 0.0)(AGENT)
                steps, started = 0, time.perf_counter()
                for _ in range(runs):
                    async for event in engine.stream(REQUEST):
                        steps += event.kind == "step_finished"
                elapsed = time.perf_counter() - started
            rows.append(
                {
                    "store": label,
                    "runs": runs,
                    "steps": steps,
                    "run_ms": 1e3 * elapsed / runs,
                    "step_ms": 1e3 * elapsed / max(steps, 1),
                }
            )
    return rows


async def _measure(quick: bool) -> Report:
    import psycopg

    name = f"plangate_bench_{uuid.uuid4().hex[:8]}"
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    async with await psycopg.AsyncConnection.connect(ADMIN, autocommit=True) as admin:
        await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        runs = 16 if quick else 64
        scaling = [await _scaling(url, n, runs, LATENCY_MS) for n in (1, 2, 4)]
        steps = await _per_step(url, 5 if quick else 30)
    finally:
        async with await psycopg.AsyncConnection.connect(ADMIN, autocommit=True) as admin:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    speedup = scaling[-1]["runs_per_s"] / scaling[0]["runs_per_s"]
    sqlite, postgres = steps[0]["step_ms"], steps[1]["step_ms"]
    report = Report(
        name="serve_scaling",
        title="Serving: workers on PostgreSQL",
        summary=(__doc__ or "").split("\n\n", 1)[1].strip(),
        params={
            "runs": runs,
            "latency_ms": LATENCY_MS,
            "request": REQUEST,
            "concurrency": CONCURRENCY,
        },
        tables=[
            Table(
                f"{runs} queued runs, {CONCURRENCY} at a time per worker, sandbox latency {LATENCY_MS:.0f} ms",
                [
                    Column("workers", "worker processes"),
                    Column("runs_per_s", "runs/s", fixed(1)),
                    Column("p50_ms", "p50 (ms)", fixed(0)),
                    Column("p99_ms", "p99 (ms)", fixed(0)),
                    Column("statuses", "statuses"),
                ],
                scaling,
            ),
            Table(
                "The same engine per store, no latency",
                [
                    Column("store", "store"),
                    Column("runs", "runs"),
                    Column("steps", "steps"),
                    Column("run_ms", "ms per run", fixed(1)),
                    Column("step_ms", "ms per step", fixed(1)),
                ],
                steps,
            ),
        ],
        targets=[Target("4 workers ≥ 2× the runs/s of 1", f"{speedup:.2f}×", speedup >= 2)],
    )
    report.headlines = [
        (
            "runs/s, 1 → 4 workers",
            f"{scaling[0]['runs_per_s']:.1f} → {scaling[-1]['runs_per_s']:.1f}",
        ),
        ("PostgreSQL − SQLite per step", f"{postgres - sqlite:+.1f} ms"),
    ]
    return report


def run(*, quick: bool = False) -> Report:
    """The benchmark; skipped when PostgreSQL is not reachable at 127.0.0.1:5432."""
    import psycopg

    try:
        psycopg.connect(ADMIN, connect_timeout=3).close()
    except psycopg.Error as exc:
        return Report(
            name="serve_scaling",
            title="Serving: workers on PostgreSQL",
            summary="Needs PostgreSQL at 127.0.0.1:5432.",
            status="skipped",
            notes=[f"PostgreSQL is not reachable: {exc}"],
        )
    return asyncio.run(_measure(quick))
