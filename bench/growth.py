"""growth: what one step costs as runs get longer, for plangate and its peers side by side.

Every set-up runs the same instant read tool, driven by a zero-latency scripted model, at 1 step
and at each length (10 to 200 steps), repeat after repeat, interleaved, in one process. A run's
CPU time (``time.process_time``: every thread of the process) and wall time are taken; the least
of the repeats is kept (what disturbs a run on a shared machine only ever adds time), and the
median CPU is reported beside it. The cost of a step at length n is marginal over a one-step run:
``(T(n) − T(1)) / (n − 1)``, so the fixed cost of a run (graph start, the first model call)
cancels out and a per-step cost that grows with n is growth, not set-up. ``T(1)`` is reported as
the fixed cost.

Bytes are counted too: each checkpointing set-up runs once more per length with a fresh SQLite
checkpointer, and the bytes its tables hold after the run (``checkpoints`` and ``writes``, every
column) divided by n are the saved state per step; a traced plangate run's JSONL trace size
divided by n is its trace per step. Cost that stays flat per step is linear in the run; cost that
rises with n is not.

When plangate misses a target, a differential cProfile (``bench.profiling``) of the plangate
set-ups concerned is attached to the report.
"""

from __future__ import annotations

import asyncio
import gc
import shutil
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from bench.causes import explain
from bench.frameworks import (
    AGENT_SAVER,
    PLAN_PARALLEL_UNTRACED,
    PLAN_UNTRACED,
    PYDANTIC_AI,
    REACT_UNTRACED,
    TRACES,
    BenchError,
    Saver,
    Variant,
    plangate_without_checkpointer,
    pydantic_ai_missing,
    with_saver,
)
from bench.growth_figures import NO_SAVER, PEERS, PLANGATE, STATEFUL, Figures, Saved
from bench.profiling import StepProfile, profiled, step_profile
from bench.report import Report
from bench.stats import median

LENGTHS = (10, 25, 50, 100, 200)
QUICK_LENGTHS = (5, 10, 20)
PROFILED = 3
"""At most this many plangate set-ups are profiled on a miss (untraced ones first)."""
SHORT = 25
"""Runs of up to this many steps are cheap: they get ``short_repeats`` timed runs."""


@dataclass(frozen=True)
class Sample:
    """One timed run: seconds of CPU and of wall, and its trace's size (traced runs)."""

    cpu: float
    wall: float
    trace_bytes: int | None


async def time_run(variant: Variant, steps: int) -> Sample:
    """Build a ``steps``-step run (untimed), time it, check its tool calls, size its trace."""
    run = variant.prepare(steps)
    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    made = await run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if made != steps:
        raise BenchError(f"{variant.label}: expected {steps} tool calls, the run made {made}")
    size = None
    if run.trace is not None:
        size = run.trace.stat().st_size if run.trace.exists() else 0
        run.trace.unlink(missing_ok=True)
    return Sample(cpu=cpu, wall=wall, trace_bytes=size)


class SqliteFiles:
    """Makes a fresh SQLite checkpointer per run, each in its own file under ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.last: Path | None = None

    def __call__(self) -> Saver:
        """A checkpointer over a new file (its connection opens on first use)."""
        import aiosqlite

        self.folder.mkdir(parents=True, exist_ok=True)
        self.last = self.folder / f"{uuid.uuid4().hex}.sqlite"
        return AsyncSqliteSaver(aiosqlite.connect(str(self.last)))


def table_bytes(database: Path, table: str) -> int:
    """Bytes held in ``table``: the length of every value of every row, added up."""
    with sqlite3.connect(database) as conn:
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
        if not columns:
            return 0
        lengths = " + ".join(f"COALESCE(LENGTH({column}), 0)" for column in columns)
        (total,) = conn.execute(f"SELECT COALESCE(SUM({lengths}), 0) FROM {table}").fetchone()
    return int(total)


async def saved_state(variant: Variant, steps: int, folder: Path) -> Saved:
    """Run ``variant`` for ``steps`` steps with a SQLite checkpointer; what its tables hold."""
    files = SqliteFiles(folder)
    run = with_saver(variant, files, variant.label).prepare(steps)
    gc.collect()
    cpu = time.process_time()
    made = await run()
    cpu = time.process_time() - cpu
    if made != steps:
        raise BenchError(f"{variant.label}: expected {steps} tool calls, the run made {made}")
    if isinstance(run.saver, AsyncSqliteSaver):
        await run.saver.conn.close()
    if files.last is None:
        raise BenchError(f"{variant.label} opened no SQLite checkpointer")
    checkpoints, writes = take_database(files.last)
    return Saved(checkpoints, writes, cpu)


def take_database(database: Path) -> tuple[int, int]:
    """The bytes in a run's ``checkpoints`` and ``writes`` tables; the files are removed."""
    if not database.exists():
        raise BenchError(f"no SQLite checkpoint was written to {database}")
    sizes = table_bytes(database, "checkpoints"), table_bytes(database, "writes")
    for leftover in database.parent.glob(f"{database.name}*"):  # the file, its -wal and -shm
        leftover.unlink(missing_ok=True)
    return sizes


async def measure(
    *,
    lengths: Sequence[int] = LENGTHS,
    repeats: int = 3,
    short_repeats: int | None = None,
    state: bool = True,
    profile: bool = True,
    profile_steps: int = 50,
    warm_up: bool = True,
) -> Report:
    """Time every set-up at 1 step and at each length, interleaved; count saved bytes.

    Args:
        lengths: the run lengths (steps), each at least 2.
        repeats: timed runs per set-up and length; the least is kept (and the median CPU).
        short_repeats: timed runs of the short lengths (1 step and up to ``SHORT`` steps),
            whose small differences decide the per-step cost at the shortest length; as many
            as ``repeats`` by default.
        state: also run the checkpointing set-ups with SQLite and count their bytes.
        profile: profile plangate when it misses a target.
        profile_steps: the run length of the differential profile (against 1 step).
        warm_up: run every set-up once untimed first (imports, schema caches, compiles).
    """
    folder = Path(tempfile.gettempdir()) / f"plangate-bench-growth-{uuid.uuid4().hex[:8]}"
    try:
        return await _measure(
            lengths=sorted(set(lengths)),
            repeats=repeats,
            short_repeats=max(repeats, short_repeats or repeats),
            state=state,
            profile=profile,
            profile_steps=profile_steps,
            warm_up=warm_up,
            folder=folder,
        )
    finally:
        gc.unfreeze()
        shutil.rmtree(TRACES, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)


async def _measure(
    *,
    lengths: list[int],
    repeats: int,
    short_repeats: int,
    state: bool,
    profile: bool,
    profile_steps: int,
    warm_up: bool,
    folder: Path,
) -> Report:
    if not lengths or lengths[0] < 2:
        raise ValueError("every length must be at least 2: a step's cost is over a 1-step run")
    notes: list[str] = []
    variants: list[Variant] = [*PLANGATE]
    without = await plangate_without_checkpointer()
    if without is None:
        variants += NO_SAVER
    else:
        notes.append(f"plangate with no checkpointer was not measured: {without}.")
    variants += PEERS
    missing = pydantic_ai_missing()
    if missing is None:
        variants.append(PYDANTIC_AI)
    else:
        notes.append(f"Pydantic AI was not measured: {missing}.")
    sizes = [1, *lengths]
    for variant in variants if warm_up else ():
        await time_run(variant, 2)
    if PYDANTIC_AI in variants:
        PYDANTIC_AI.prepare(1)  # imports Pydantic AI before the heap is frozen
    # What is alive now (modules, caches) leaves the collector's view, so the collection before
    # each run is quick and collections inside runs scan what the runs make, for every set-up.
    gc.collect()
    gc.freeze()
    clock = Phases()
    samples: dict[str, dict[int, list[Sample]]] = {v.key: {n: [] for n in sizes} for v in variants}
    for repeat in range(short_repeats):
        shift = repeat % len(variants)
        order = variants[shift:] + variants[:shift]
        for n in sizes if repeat < repeats else [n for n in sizes if n <= SHORT]:
            for variant in order:
                samples[variant.key][n].append(await time_run(variant, n))
    cpu = {k: {n: min(s.cpu for s in by[n]) for n in sizes} for k, by in samples.items()}
    wall = {k: {n: min(s.wall for s in by[n]) for n in sizes} for k, by in samples.items()}
    middle = {k: {n: median([s.cpu for s in by[n]]) for n in sizes} for k, by in samples.items()}
    traces = {
        k: {n: by[n][-1].trace_bytes or 0 for n in sizes}
        for k, by in samples.items()
        if by[1][-1].trace_bytes is not None
    }
    clock.lap("timed runs")
    saved: dict[str, dict[int, Saved]] = {}
    for variant, _ in STATEFUL if state else ():
        saved[variant.key] = {n: await saved_state(variant, n, folder) for n in sizes}
    figures = Figures(variants, lengths, cpu, wall, traces, saved, middle)
    report = figures.report(repeats=repeats, short_repeats=short_repeats, short=SHORT)
    report.notes = notes + report.notes
    plangate_keys = {v.key for v in (*PLANGATE, *NO_SAVER)}
    missed = [v for v in variants if v.key in figures.missed and v.key in plangate_keys]
    clock.lap("SQLite runs")
    if profile and missed:
        steps = min(profile_steps, lengths[-1])
        untraced = (PLAN_UNTRACED, PLAN_PARALLEL_UNTRACED, REACT_UNTRACED)
        chosen = sorted(missed, key=lambda v: v not in untraced)[:PROFILED]
        profiles = {
            v.label: await step_profile(v.prepare, steps, repeats=1) for v in (*chosen, AGENT_SAVER)
        }
        report.sections.append(
            (
                f"Where a step's time goes at {steps} steps (differential cProfile)",
                explain(profiles, AGENT_SAVER.label),
            )
        )
    if profile and figures.grew:
        report.sections.append(await growth_profile(figures))
    if profile and figures.fixed_missed:
        report.sections.append(await fixed_profile(figures))
    clock.lap("profiles")
    report.notes.append(f"Wall time of this measurement: {clock}.")
    return report


async def fixed_profile(figures: Figures, repeats: int = 3) -> tuple[str, str]:
    """Where a one-step run's time goes, for the plangate set-ups that missed the fixed cost."""
    chosen = [v for v in figures.variants if v.key in figures.fixed_missed]
    profiles: dict[str, StepProfile] = {}
    for variant in (*chosen, AGENT_SAVER):
        whole = await profiled(partial(variant.prepare, 1), repeats)
        scale = 1e6 / repeats
        profiles[variant.label] = StepProfile(
            total_us=sum(whole.own_by_category.values()) * scale,
            by_category={
                name: us * scale
                for name, us in sorted(whole.own_by_category.items(), key=lambda item: -item[1])
            },
            by_function={
                name: us * scale
                for name, us in sorted(
                    whole.cumulative_by_function.items(), key=lambda item: -item[1]
                )
            },
            supersteps=whole.ticks / repeats if whole.ticks else None,
        )
    return (
        "Where a one-step run's time goes (cProfile of whole runs)",
        f"Unlike the sections above, each column is a whole one-step run (mean of {repeats}), "
        "so the figures are µs per run, not per step; set-up before the run is not in them.\n\n"
        + explain(profiles, AGENT_SAVER.label),
    )


class Phases:
    """Wall seconds spent in each phase of a measurement."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.spent: dict[str, float] = {}

    def lap(self, phase: str) -> None:
        """Close ``phase``: the time since the previous lap is its."""
        now = time.perf_counter()
        self.spent[phase] = now - self.started
        self.started = now

    def __str__(self) -> str:
        return ", ".join(f"{phase} {seconds:.0f} s" for phase, seconds in self.spent.items())


async def growth_profile(figures: Figures) -> tuple[str, str]:
    """What a step costs more at the longest run than at the shortest, for the worst grower."""
    key = max(figures.grew, key=lambda k: figures.grew[k])
    variant = next(v for v in figures.variants if v.key == key)
    short, long = figures.first, figures.last
    profiles = {
        f"{variant.label} at {n} steps": await step_profile(variant.prepare, n, repeats=1)
        for n in (short, long)
    }
    return (
        f"Where the growth goes: {variant.label}, a step at {long} vs at {short} steps "
        "(differential cProfile)",
        f"Its CPU per step grew {figures.grew[key]:.2f}× from {short} to {long} steps, the "
        "most of the plangate set-ups that missed the growth target. Each column is a "
        "differential profile over a one-step run (see above); the second column's excess "
        "is what a step costs more in a longer run.\n\n"
        + explain(profiles, f"{variant.label} at {short} steps"),
    )


def run(*, quick: bool = False) -> Report:
    """The benchmark at full size, or ``quick``."""
    if quick:
        return asyncio.run(measure(lengths=QUICK_LENGTHS, repeats=3, profile_steps=10))
    return asyncio.run(measure(short_repeats=9))
