"""step_overhead: what one tool step costs in plangate, in ``create_agent`` and in bare LangGraph.

Every framework runs the same read tool (instant) driven by the same ``ScriptedChatModel`` (zero
latency), so the time measured is the frameworks' own. plangate runs with what a production
agent runs: guardrails (PII redaction, prompt-injection scan, write approval — not triggered on
reads), argument and result validation, typed events, budgets and an ``InMemorySaver``
checkpointer (plangate always persists runs).

The cost of a step is marginal: ``(T(k) − T(1)) / (k − 1)`` with ``T`` the median wall time of
a whole run, so fixed costs (graph start, the first model call) cancel out. Runs of every
framework are interleaved, repeat after repeat, so a slower machine moment hurts all of them.
When plangate misses its target, a differential cProfile (``bench.profiling``) shows where a
step's time goes.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Sequence

from bench.causes import explain
from bench.frameworks import (
    AGENT,
    AGENT_SAVER,
    BARE,
    PLAN,
    PLAN_UNTRACED,
    REACT,
    REACT_UNTRACED,
    TRACES,
    VARIANTS,
    Variant,
    time_run,
)
from bench.profiling import step_profile
from bench.report import Chart, Column, Report, Table, Target, fixed
from bench.stats import median
from plangate.graphs.engine.build import Engine


async def measure(
    *,
    steps: int = 40,
    sizes: Sequence[int] = (1, 10, 20, 40),
    repeats: int = 9,
    profile: bool = True,
    profile_repeats: int = 3,
    warm_up: bool = True,
) -> Report:
    """Time every variant at each size, ``repeats`` times, interleaved; profile on a miss.

    Args:
        steps: the run length the per-step cost is measured at (against 1 step).
        sizes: the run lengths of the scaling curve (``1`` and ``steps`` are added).
        repeats: timed runs per variant and size; the median is kept.
        profile: profile plangate when it misses its target.
        profile_repeats: profiled runs per variant and size.
        warm_up: run every variant once untimed first (imports, schema caches, compiles).
    """
    try:
        return await _measure_all(
            steps=steps,
            sizes=sizes,
            repeats=repeats,
            profile=profile,
            profile_repeats=profile_repeats,
            warm_up=warm_up,
        )
    finally:
        shutil.rmtree(TRACES, ignore_errors=True)


async def _measure_all(
    *,
    steps: int,
    sizes: Sequence[int],
    repeats: int,
    profile: bool,
    profile_repeats: int,
    warm_up: bool,
) -> Report:
    if steps < 2:
        raise ValueError("steps must be at least 2: the per-step cost is T(steps) - T(1)")
    lengths = sorted({1, steps, *sizes})
    for variant in VARIANTS if warm_up else ():
        await time_run(variant.prepare, 2)
    samples: dict[str, dict[int, list[float]]] = {v.key: {k: [] for k in lengths} for v in VARIANTS}
    for repeat in range(repeats):
        shift = repeat % len(VARIANTS)
        order = VARIANTS[shift:] + VARIANTS[:shift]
        for length in lengths:
            for variant in order:
                samples[variant.key][length].append(await time_run(variant.prepare, length))
    runs = {key: {k: median(v) for k, v in by_size.items()} for key, by_size in samples.items()}
    per_step = {key: (t[steps] - t[1]) / (steps - 1) * 1e6 for key, t in runs.items()}
    rows = [
        {
            "variant": v.label,
            "key": v.key,
            "run_1_ms": runs[v.key][1] * 1e3,
            "run_k_ms": runs[v.key][steps] * 1e3,
            "us_per_step": per_step[v.key],
            "vs_agent_saver": per_step[v.key] / per_step[AGENT_SAVER.key],
            "vs_agent": per_step[v.key] / per_step[AGENT.key],
            "vs_bare": per_step[v.key] / per_step[BARE.key],
        }
        for v in VARIANTS
    ]
    report = Report(
        name="step_overhead",
        title="Step overhead: plangate vs create_agent vs bare LangGraph",
        summary=(
            "Wall time per tool step with a zero-latency `ScriptedChatModel` and an instant "
            "read tool, the same script for every framework. µs/step is marginal: "
            f"(T({steps}) − T(1)) / {steps - 1}, T the median of {repeats} interleaved runs. "
            "plangate runs with PIIRedaction + PromptInjection + ApproveWrites (not triggered "
            "on reads), validation, events, budgets, an InMemorySaver and (traced rows) a "
            "trace recorder writing JSONL."
        ),
        params={"steps": steps, "sizes": lengths, "repeats": repeats},
        tables=[
            Table(
                f"Per step, at {steps} steps",
                [
                    Column("variant", "variant"),
                    Column("run_1_ms", "run, 1 step (ms)", fixed(1)),
                    Column("run_k_ms", f"run, {steps} steps (ms)", fixed(1)),
                    Column("us_per_step", "µs/step", fixed(0)),
                    Column("vs_agent_saver", "× create_agent+saver", fixed(2)),
                    Column("vs_agent", "× create_agent", fixed(2)),
                    Column("vs_bare", "× bare graph", fixed(2)),
                ],
                rows,
            ),
            Table(
                "Run time by length (ms, median)",
                [Column("variant", "variant")]
                + [Column(f"n{k}", f"{k} step(s)", fixed(1)) for k in lengths],
                [
                    {"variant": v.label, **{f"n{k}": runs[v.key][k] * 1e3 for k in lengths}}
                    for v in VARIANTS
                ],
            ),
        ],
        chart=Chart(
            title="Run time vs tool steps (zero-latency model, instant tool)",
            x_label="tool steps per run",
            y_label="run wall time (ms, median)",
            x=lengths,
            series={v.label: [runs[v.key][k] * 1e3 for k in lengths] for v in VARIANTS},
        ),
    )
    report.headlines = [
        (f"µs per tool step at {steps} steps: {v.label}", f"{per_step[v.key]:,.0f}")
        for v in (PLAN, REACT, AGENT_SAVER, AGENT, BARE)
    ]
    missed: list[Variant] = []
    for variant in (PLAN, REACT):
        for peer in (AGENT_SAVER, AGENT):
            met = per_step[variant.key] <= per_step[peer.key]
            report.targets.append(
                Target(
                    goal=f"{variant.label} µs/step ≤ {peer.label}",
                    measured=f"{per_step[variant.key]:,.0f} vs {per_step[peer.key]:,.0f} µs "
                    f"({per_step[variant.key] / per_step[peer.key]:.2f}×)",
                    met=met,
                )
            )
            if not met and variant not in missed:
                missed.append(variant)
    report.notes += _notes()
    for traced, plain in ((PLAN, PLAN_UNTRACED), (REACT, REACT_UNTRACED)):
        extra = per_step[traced.key] - per_step[plain.key]
        report.notes.append(
            f"Tracing cost, {traced.label.split(' (')[0]}: {extra:+,.0f} µs/step "
            f"({per_step[traced.key]:,.0f} traced vs {per_step[plain.key]:,.0f} untraced)."
        )
    if profile and missed:
        profiles = {
            v.label: await step_profile(v.prepare, steps, repeats=profile_repeats)
            for v in (*missed, AGENT_SAVER)
        }
        report.sections.append(
            (
                "Where a step's time goes (differential cProfile)",
                explain(profiles, AGENT_SAVER.label),
            )
        )
    return report


def _recursion_limit() -> object:
    """The superstep cap ``Engine`` runs with (read from the engine, not assumed)."""
    config = Engine._config("probe")  # private, but the cap is what the note is about
    return config.get("recursion_limit", "?")


def _notes() -> list[str]:
    notes = [
        "All variants share the tool function, the scripted model and its script; the model "
        "double's own cost (token estimation over the whole conversation) is in every figure.",
        "plangate react answers through a `FunctionResponder`, so it makes the same model calls "
        "as create_agent (one per turn, then the final text turn).",
        "Runs stop at 40 steps to keep the benchmark short; a plangate run is bounded by its "
        f"budgets (steps, calls, time), with LangGraph's `recursion_limit` at "
        f"{_recursion_limit()} supersteps so it never ends a run first.",
        "Conversations grow with the run, so every framework's per-step cost grows with the "
        "number of steps; the second table shows the curve.",
    ]
    notes.append(
        "Traced variants record every run with `plangate.graphs.traces.recording.Recorder` into a JSONL file "
        "(model requests and answers, tool calls and results, events; PII redaction on), as "
        "`Agent.record` does; the untraced rows show what tracing costs."
    )
    return notes


def run(*, quick: bool = False) -> Report:
    """The benchmark at full size, or ``quick``."""
    if quick:
        return asyncio.run(measure(steps=20, sizes=(1, 10, 20), repeats=3, profile_repeats=1))
    return asyncio.run(measure())
