"""Reading a per-step profile: the costs by category, and the known causes it finds.

``explain`` turns the differential profiles of ``bench.profiling`` into Markdown: a table of
microseconds per step by category for each profiled set-up, what plangate spends beyond its peer,
the causes found (each shown only when the profile measures it, or when plangate's code shows
it), and plangate's heaviest functions.
"""

from __future__ import annotations

import inspect

from bench.profiling import StepProfile

HINTS: tuple[tuple[str, str, str], ...] = (
    (
        "function",
        "tools/base.py:args_schema",
        "`react_node` binds the tools afresh every turn: `openai_tool` → `Tool.args_schema()` → "
        "pydantic `model_json_schema()` is regenerated per turn; caching the schema per tool "
        "removes it.",
    ),
    (
        "function",
        "graphs/engine/react.py:conversation",
        "`conversation` rebuilds the whole message list from the plan and step records every "
        "turn (`Plan.model_validate` of the growing plan, one `ToolMessage` per earlier step), "
        "so its cost grows with the run.",
    ),
    (
        "function",
        "graphs/engine/plan.py:ready",
        "Every dispatch re-validates the plan from state and asks `Plan.ready`, which calls "
        "`Plan.dependencies` for every pending step: a linear `Plan.step` lookup plus parsing "
        "the step's `${...}` references again. Over a chained plan of n steps that is O(n²) "
        "reference parses; a dependency map computed once per plan removes it.",
    ),
    (
        "function",
        "graphs/guards/redaction.py:clean",
        "The trace recorder redacts PII (and secrets) in everything it writes, and each model "
        "request it records holds the whole conversation so far: under react every turn "
        "re-scans all earlier turns, so tracing's cost grows with the run.",
    ),
    (
        "function",
        "graphs/guards/guardrails.py:run_guardrails",
        "Guardrails scan every tool result (PromptInjection, PIIRedaction) and every call "
        "(ApproveWrites): the price of guarding each step, which the peers do not pay.",
    ),
)
"""Known causes, each shown only when the profile finds it costs at least ``HINT_US``."""

HINT_US = 100.0


def explain(profiles: dict[str, StepProfile], peer: str) -> str:
    """Markdown: per-step cost by category for each profiled variant, then the causes."""
    labels = list(profiles)
    categories: list[str] = []
    for profile in profiles.values():
        categories += [c for c in profile.by_category if c not in categories]
    head = "| category | " + " | ".join(f"{label} (µs/step)" for label in labels) + " |"
    lines = [
        "Own time per extra step under cProfile (inflated ~1.5-2×: compare the shares; "
        "builtins and stdlib are charged to their caller). Entries under 5 µs are left out.",
        "",
        head,
        "|" + "---|" * (len(labels) + 1),
    ]
    for name in categories:
        values = [profiles[label].by_category.get(name, 0.0) for label in labels]
        if max(abs(v) for v in values) >= 5:
            lines.append(f"| {name} | " + " | ".join(f"{v:,.0f}" for v in values) + " |")
    totals = " | ".join(f"**{profiles[label].total_us:,.0f}**" for label in labels)
    lines.append(f"| **total** | {totals} |")
    supersteps = " | ".join(_count(profiles[label].supersteps) for label in labels)
    lines.append(f"| LangGraph supersteps per step (count) | {supersteps} |")
    for label, profile in profiles.items():
        if label == peer:
            continue
        gaps = sorted(
            (
                (value - profiles[peer].by_category.get(name, 0.0), name)
                for name, value in profile.by_category.items()
            ),
            reverse=True,
        )[:4]
        listed = ", ".join(f"{name} (+{gap:,.0f} µs)" for gap, name in gaps if gap > 0)
        lines += ["", f"**{label}** spends most beyond {peer} on: {listed}."]
        causes = [
            f"- {why} (profile: {_hint_cost(profile, kind, key):,.0f} µs/step)"
            for kind, key, why in HINTS
            if _hint_cost(profile, kind, key) >= HINT_US
        ]
        waiting = profile.by_category.get(WAITING, 0.0)
        hops = _thread_hops()
        if waiting >= HINT_US and hops:
            causes.insert(0, f"- {hops} (profile: {waiting:,.0f} µs/step)")
        ours, theirs = profile.supersteps, profiles[peer].supersteps
        if ours is not None and theirs is not None and ours > theirs + 0.5:
            causes.insert(
                0,
                f"- Each step takes {ours:.1f} LangGraph supersteps against {theirs:.1f} for "
                f"{peer}; every superstep prepares tasks, applies writes, saves a checkpoint and "
                "schedules coroutines, which is where the extra *LangGraph runtime*, "
                "*checkpoint* and *asyncio* time goes.",
            )
        if causes:
            lines += ["", "Causes found in the profile:", "", *causes]
        top = [(name, us) for name, us in profile.by_function.items() if us >= 20][:12]
        if top:
            lines += [
                "",
                f"Heaviest plangate functions in **{label}** (cumulative µs per step; nested "
                "calls count in each caller):",
                "",
                "| function | µs/step |",
                "|---|---|",
                *(f"| `{name}` | {us:,.0f} |" for name, us in top),
            ]
    return "\n".join(lines)


WAITING = "waiting on worker threads (sync callbacks)"


def _thread_hops() -> str:
    """Why plangate's event loop waits on worker threads, from what its code does now."""
    from langchain_core.callbacks import UsageMetadataCallbackHandler

    import plangate.graphs.engine.build
    import plangate.graphs.engine.dispatch
    import plangate.graphs.engine.metering

    routers = [
        getattr(plangate.graphs.engine.build, name, None)
        for name in ("route_after_guard", "route_after_react", "route_after_plan")
    ] + [getattr(plangate.graphs.engine.dispatch, "route_after_dispatch", None)]
    sync = [r.__name__ for r in routers if callable(r) and not inspect.iscoroutinefunction(r)]
    parts = []
    if sync:
        parts.append(
            f"The graph's routers ({', '.join(f'`{name}`' for name in sync)}) are plain "
            "functions, and LangGraph runs a synchronous router of an async graph through "
            "`run_in_executor`: a thread hop per routing decision (create_agent wraps its "
            "routers in `RunnableCallable` and runs them inline)."
        )
    metering = inspect.getsource(plangate.graphs.engine.metering)
    if "get_usage_metadata_callback" in metering and not UsageMetadataCallbackHandler.run_inline:
        parts.append(
            "`plangate.graphs.engine.metering.meter` uses LangChain's `UsageMetadataCallbackHandler`, a "
            "synchronous handler not marked `run_inline`, so under `ainvoke` each of its events "
            "runs in a worker thread (`on_chat_model_start` falls back to `on_llm_start`, which "
            "renders the whole conversation with `get_buffer_string`)."
        )
    if not parts:
        return ""
    return "The event loop waits on worker threads: " + " ".join(parts)


def _count(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _hint_cost(profile: StepProfile, kind: str, key: str) -> float:
    table = profile.by_category if kind == "category" else profile.by_function
    return table.get(key, 0.0)
