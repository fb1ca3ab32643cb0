"""Replaying a trace: no model, no backend, and a loud diff at the first divergence.

``replay(trace, target)`` rebuilds the agent around stand-ins — ``RunParts``: a
``ReplayChatModel`` that answers each request with the recorded answer to the same request, a
``ReplayExecutor`` that returns each step's recorded result after checking its tool and
arguments, a clock showing the recorded time, a backend stand-in in place of every backend and a
checkpointer — then re-runs each recorded request and resume (with the recorded approval
decisions) and compares how each ended. ``target`` is a ``plangate.agents.Agent`` (anything with
``for_replay(parts)``) or a factory ``(parts) -> Engine``::

    def shop(parts: RunParts) -> Engine:
        toolset = Toolset([get_price, place_order], deps=parts.deps)
        runtime = Runtime(toolset=toolset, executor=parts.executor(toolset),
                          planner=LLMPlanner(parts.model), ..., clock=parts.clock,
                          strategy=parts.strategy, react_model=parts.model)
        return Engine(runtime, parts.checkpointer)

The stand-ins serve whichever replay is under way, so the agent built around them is kept and
reused by the next replay of the same agent (``plangate.graphs.traces.replay_cache``): its graph
is compiled once per process. It is kept only if it persists its runs in
``parts.checkpointer`` (one store per replay) and building it read nothing of the trace.

    report = await replay("tests/traces/shop/prices.jsonl", shop)
    report.raise_for_mismatch()

Before anything runs, the agent's surface (instructions, tool schemas, response schema) is
compared with the recorded one. Every divergence is a ``ReplayMismatchError`` carrying a unified
diff of the normalized JSON against the nearest recorded counterpart.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from plangate.graphs.engine.build import RunResult
from plangate.graphs.engine.plan import Plan
from plangate.graphs.guards.guardrails import PERSON, Action
from plangate.graphs.traces._scope import ReplayScope, entered
from plangate.graphs.traces._session import RecordedModelError, ReplaySession
from plangate.graphs.traces.format import (
    DecisionsRecord,
    OutcomeRecord,
    RunRecord,
    Trace,
    read_trace,
)
from plangate.graphs.traces.model_calls import canonical_json
from plangate.graphs.traces.recording import Runner
from plangate.graphs.traces.replay_cache import CACHE, Entry
from plangate.graphs.traces.replay_parts import (
    NO_BACKEND,
    ReplayChatModel,
    ReplayClock,
    ReplayExecutor,
    ReplayFactory,
    ReplayTarget,
    RunParts,
    SupportsReplay,
    build_runner,
    reusable_parts,
)
from plangate.graphs.traces.surface import describe_surface, json_diff, outcome_of, surface_change
from plangate.graphs.traces.taps import ReplayBackend
from plangate.tools.errors import PlangateError, ReplayMismatchError


@dataclass(frozen=True)
class ReplayReport:
    """How a replay went.

    Attributes:
        trace: the trace's source.
        ok: every run ended as recorded, through the same model requests and tool calls.
        mismatch: the first divergence, when not ``ok``.
        runs: runs and resumes replayed.
        model_calls: model requests answered.
        tool_calls: tool calls answered.
        results: how each replayed run or resume ended.
    """

    trace: str
    ok: bool
    mismatch: ReplayMismatchError | None = None
    runs: int = 0
    model_calls: int = 0
    tool_calls: int = 0
    results: tuple[RunResult, ...] = field(default=())

    @property
    def message(self) -> str:
        """The first divergence in one line ("" when ``ok``)."""
        return str(self.mismatch.args[0]).split("\n")[0] if self.mismatch else ""

    @property
    def diff(self) -> str:
        """The unified diff of the first divergence ("" when ``ok``)."""
        return self.mismatch.diff if self.mismatch else ""

    def summary(self) -> str:
        """One line: matched, with counts, or the first divergence."""
        counts = (
            f"{self.runs} run(s), {self.model_calls} model call(s), {self.tool_calls} tool call(s)"
        )
        if self.ok:
            return f"{self.trace}: replay matches ({counts})"
        return f"{self.trace}: replay diverged after {counts}: {self.message}"

    def raise_for_mismatch(self) -> None:
        """Raise the first divergence, if any.

        Raises:
            ReplayMismatchError: the replay diverged.
        """
        if self.mismatch is not None:
            raise self.mismatch


@dataclass(frozen=True)
class Episode:
    """One run, or one resume with its decisions, and the outcome recorded for it."""

    thread: str
    now: datetime
    request: str | None = None
    decisions: dict[str, Any] | None = None
    outcome: dict[str, Any] | None = None
    plan: dict[str, Any] | None = None
    replan: bool = False

    @property
    def label(self) -> str:
        kind = "the run" if self.request is not None else "the resume"
        return f"{kind} of thread {self.thread!r}"


def _time(now: str, zone: str | None) -> datetime:
    moment = datetime.fromisoformat(now)
    return moment.astimezone(ZoneInfo(zone)) if zone else moment


def episodes(trace: Trace) -> list[Episode]:
    """The runs and resumes of a trace, each with the outcome recorded for it."""
    found: list[Episode] = []
    for record in trace.records:
        if isinstance(record, RunRecord):
            when = _time(record.now, record.zone)
            found.append(Episode(record.thread_id, when, record.request, plan=record.plan,
                                 replan=record.replan))  # fmt: skip
        elif isinstance(record, DecisionsRecord):
            when = _time(record.now, record.zone)
            found.append(Episode(record.thread_id, when, decisions=dict(record.decisions)))
        elif isinstance(record, OutcomeRecord):
            for index in range(len(found) - 1, -1, -1):
                if found[index].thread == record.thread_id and found[index].outcome is None:
                    old = found[index]
                    found[index] = dataclasses.replace(old, outcome=upgrade_outcome(record.outcome))
                    break
    return found


def upgrade_outcome(outcome: Mapping[str, Any]) -> dict[str, Any]:
    """A recorded outcome in today's form: a person's rejection recorded as a ``block`` by
    the guardrail ``human`` (before ``Action.REJECT``) reads as the ``reject`` it was."""
    verdicts = outcome.get("verdicts")
    if not isinstance(verdicts, list):
        return dict(outcome)
    upgraded = [
        {**v, "action": Action.REJECT.value}
        if isinstance(v, dict) and v.get("guardrail") == PERSON and v.get("action") == "block"
        else v
        for v in verdicts
    ]
    # ``outcome_of`` sorts verdicts by their JSON: the new action may sort them differently.
    upgraded.sort(key=lambda v: json.dumps(v, sort_keys=True, default=str))
    return {**outcome, "verdicts": upgraded}


def _json(value: Any) -> Any:
    return json.loads(canonical_json(value))


async def _play(runner: Runner, episode: Episode, session: ReplaySession) -> RunResult | None:
    """Replay one episode; ``None`` when it crashed on a failed model call, as recorded."""
    try:
        if episode.plan is not None:
            plan = Plan.model_validate(episode.plan)
            stream = runner.stream_plan(plan, request=episode.request or "",
                                        thread_id=episode.thread, replan=episode.replan)  # fmt: skip
        elif episode.request is not None:
            stream = runner.stream(episode.request, thread_id=episode.thread)
        else:
            stream = runner.stream_resume(episode.thread, episode.decisions or {})
        async for _ in stream:
            pass
    except ReplayMismatchError:
        raise
    except RecordedModelError as exc:
        if episode.outcome is None and session.mismatch is None:
            return None  # the recorded run ended on this very failure: no outcome to compare
        raise session.fail(f"{episode.label} raised {type(exc).__name__}: {exc}") from exc
    except PlangateError as exc:
        if session.mismatch is not None:
            raise session.mismatch from exc
        raise session.fail(f"{episode.label} raised {type(exc).__name__}: {exc}") from exc
    if session.mismatch is not None:
        raise session.mismatch
    result = await runner.result(episode.thread)
    if episode.outcome is not None:
        recorded = episode.outcome
        live = _json(session.clean(outcome_of(result), lambda: [recorded]))
        if live != episode.outcome:
            raise session.fail(
                f"{episode.label} ended differently than recorded "
                f"(recorded {episode.outcome.get('status')}, replayed {live.get('status')})",
                json_diff(episode.outcome, live),
            )
    return result


def _check_surface(
    trace: Trace, runner: Runner, session: ReplaySession, entry: Entry | None
) -> None:
    runtime = runner.runtime
    if runtime.strategy != trace.header.strategy:
        raise session.fail(
            f"the trace was recorded with the {trace.header.strategy} strategy; the agent "
            f"replays with {runtime.strategy}",
            json_diff({"strategy": trace.header.strategy}, {"strategy": runtime.strategy}),
        )
    # A reused agent's surface does not change between replays: worked out once.
    surface = entry.surface if entry is not None else None
    if surface is None:
        surface = _json(describe_surface(runtime))
        if entry is not None:
            entry.surface = surface
    live = session.clean(surface, lambda: [trace.header.surface])
    change = surface_change(trace.header.surface, live)
    if change is not None:
        raise session.fail(*change)


async def replay(
    trace: Trace | str | Path,
    target: ReplayTarget,
    *,
    strict_order: bool = False,
    check_surface: bool = True,
) -> ReplayReport:
    """Replay ``trace`` against ``target`` (see the module docstring).

    The agent built for the replay is kept and reused by the next replay of the same agent
    (``plangate.graphs.traces.replay_cache``); each replay still serves only its own recording,
    and keeps its runs apart from every other replay's.

    Args:
        trace: a ``Trace`` or the path of a trace file.
        target: an agent with ``for_replay``, or a factory ``(RunParts) -> Engine``.
        strict_order: serve model answers in recorded order, not by request key.
        check_surface: compare the agent's instructions and schemas with the recording first.

    Raises:
        TraceFormatError: the file cannot be read as a trace of this format version.
    """
    loaded = trace if isinstance(trace, Trace) else read_trace(trace)
    session = ReplaySession(loaded, strict_order=strict_order)
    plays = episodes(loaded)
    clock = ReplayClock(plays[0].now if plays else datetime.now().astimezone())
    scope = ReplayScope(session=session, clock=clock, backend=ReplayBackend(session, clock))
    results: list[RunResult] = []
    runs = 0
    mismatch: ReplayMismatchError | None = None
    with entered(scope):
        try:
            runner, entry = CACHE.runner(
                target, loaded.header.strategy, model=loaded.header.model is not None
            )
            if check_surface:
                _check_surface(loaded, runner, session, entry)
            for episode in plays:
                clock.set(episode.now)
                played = await _play(runner, episode, session)
                runs += 1
                results.extend([played] if played is not None else [])
            leftover = session.leftovers()
            if leftover is not None:
                raise leftover
        except ReplayMismatchError as exc:
            mismatch = session.mismatch or exc
    return ReplayReport(
        trace=loaded.source, ok=mismatch is None, mismatch=mismatch, runs=runs,
        model_calls=session.model_calls, tool_calls=session.tool_calls, results=tuple(results),
    )  # fmt: skip


def replay_sync(trace: Trace | str | Path, target: ReplayTarget, **options: bool) -> ReplayReport:
    """``replay`` for code without an event loop."""
    return asyncio.run(replay(trace, target, **options))


__all__ = [
    "NO_BACKEND",
    "Episode",
    "ReplayBackend",
    "ReplayChatModel",
    "ReplayExecutor",
    "ReplayFactory",
    "ReplayReport",
    "ReplayTarget",
    "RunParts",
    "SupportsReplay",
    "build_runner",
    "episodes",
    "replay",
    "replay_sync",
    "reusable_parts",
]
