"""Replays reuse the agent built for them, and stay apart from each other.

The committed shop traces all run in thread ``t1``: one pauses for an approval and resumes, one
quotes prices, one fails on an unknown item. Replayed through one kept agent, in any order or at
once, each matches its own recording; a checkpointer shared by replays (the control below) makes
the second one diverge, which is what the kept agent's per-replay store prevents.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph.state import StateGraph

from plangate.agents import Agent
from plangate.graphs.engine.build import Engine
from plangate.graphs.traces import replay_cache
from plangate.graphs.traces.replay import (
    ReplayReport,
    RunParts,
    replay,
    replay_sync,
    reusable_parts,
)
from plangate.graphs.traces.replay_cache import clear_replay_cache, replay_cache_info
from plangate.tools import Toolset
from plangate.tools.errors import UsageError
from tests.traces.agents import SPEC, TOOLS, TRACES, live

SHOP = TRACES / "shop"
ORDER, PRICES, UNKNOWN = (SHOP / f"{case}.jsonl" for case in
                          ("offline_order", "offline_prices", "offline_unknown_item"))  # fmt: skip


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    clear_replay_cache()
    yield
    clear_replay_cache()


@pytest.fixture
def compilations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times LangGraph compiles a graph from here on."""
    count = [0]
    compile_graph = StateGraph.compile

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        count[0] += 1
        return compile_graph(self, *args, **kwargs)

    monkeypatch.setattr(StateGraph, "compile", counted)
    return count


def matched(report: ReplayReport) -> ReplayReport:
    assert report.ok, f"{report.summary()}\n{report.diff}"
    return report


async def test_replays_of_one_agent_compile_its_graph_once(compilations: list[int]) -> None:
    for path in [ORDER, PRICES, UNKNOWN] * 4:
        matched(await replay(path, live()))  # a new agent each time, as a test builds one
    assert compilations[0] == 1
    assert replay_cache_info() == (11, 1, 1)  # hits, builds, kept


async def test_an_agent_made_only_to_be_replayed_compiles_nothing_itself(
    compilations: list[int],
) -> None:
    agent = live()
    assert compilations[0] == 0
    matched(await replay(PRICES, agent))
    assert compilations[0] == 1  # the replayed agent's graph, not the live one's
    assert agent.engine is agent.engine  # built at first use, then kept
    assert compilations[0] == 2


async def test_agents_configured_alike_share_a_replayed_agent_and_others_do_not() -> None:
    assert live().replay_identity() == live().replay_identity()
    other = Agent(SPEC, Toolset(TOOLS), guardrails=[*SPEC.policy(Toolset(TOOLS))])
    assert other.replay_identity() != live().replay_identity()
    matched(await replay(PRICES, live()))
    matched(await replay(PRICES, other))
    assert replay_cache_info().builds == 2


async def test_replays_through_one_kept_agent_do_not_see_each_others_runs() -> None:
    first = matched(await replay(ORDER, live()))
    prices = matched(await replay(PRICES, live()))
    again = matched(await replay(ORDER, live()))
    assert replay_cache_info().builds == 1
    assert [r.status for r in first.results] == ["paused", "done"]
    assert [r.status for r in again.results] == ["paused", "done"]
    assert set(prices.results[-1].steps) == {"p1", "p2", "p3"}  # none of the order's steps
    assert first.results[-1].steps.keys() == again.results[-1].steps.keys() == {"price", "order"}


async def test_replays_awaited_side_by_side_each_serve_their_own_trace() -> None:
    matched(await replay(PRICES, live()))  # keep the agent first
    reports = await asyncio.gather(*(replay(p, live()) for p in [ORDER, PRICES, UNKNOWN] * 3))
    for report in reports:
        matched(report)
    assert replay_cache_info().builds == 1


def test_a_kept_agent_replays_in_one_event_loop_after_another_and_in_threads() -> None:
    for path in (ORDER, PRICES):
        matched(replay_sync(path, live()))  # asyncio.run: a new event loop each time
    with ThreadPoolExecutor(max_workers=3) as pool:
        reports = list(pool.map(lambda path: replay_sync(path, live()), [ORDER, PRICES, UNKNOWN]))
    for report in reports:
        matched(report)
    assert replay_cache_info().builds == 1


async def test_a_checkpointer_shared_by_replays_would_leak_between_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The control: kept with one plain saver for all replays, the second replay diverges."""
    shared = InMemorySaver()

    def leaky(parts: RunParts) -> Agent:
        return Agent(SPEC, Toolset(TOOLS, deps=parts.deps), clock=parts.clock,
                     executor=parts.executor, checkpointer=shared)  # fmt: skip

    monkeypatch.setattr(replay_cache, "_persists_apart", lambda runner: True)
    matched(await replay(ORDER, leaky))
    report = await replay(PRICES, leaky)
    assert not report.ok
    assert '"order"' in report.diff  # the order replayed before shows in the prices run
    assert replay_cache_info().builds == 1


def agent_keeping_its_own_saver(parts: RunParts) -> Agent:
    return Agent(SPEC, Toolset(TOOLS, deps=parts.deps), clock=parts.clock, executor=parts.executor)


async def test_an_agent_that_keeps_its_own_checkpointer_is_built_for_every_replay() -> None:
    for path in (ORDER, PRICES, ORDER):
        matched(await replay(path, agent_keeping_its_own_saver))
    assert replay_cache_info() == (0, 3, 0)


def agent_reading_the_clock_when_built(parts: RunParts) -> Agent:
    parts.clock.now()  # anything read while building belongs to this replay only
    return Agent(SPEC, Toolset(TOOLS, deps=parts.deps), clock=parts.clock,
                 executor=parts.executor, checkpointer=parts.checkpointer)  # fmt: skip


async def test_an_agent_whose_building_reads_the_replay_is_built_for_every_replay() -> None:
    for path in (ORDER, PRICES):
        matched(await replay(path, agent_reading_the_clock_when_built))
    assert replay_cache_info() == (0, 2, 0)


def persisting_factory(parts: RunParts) -> Engine:
    agent = Agent(SPEC, Toolset(TOOLS, deps=parts.deps), clock=parts.clock,
                  executor=parts.executor, checkpointer=parts.checkpointer)  # fmt: skip
    return agent.engine


async def test_a_factory_persisting_in_the_parts_checkpointer_is_built_once() -> None:
    for path in (ORDER, PRICES, UNKNOWN, ORDER):
        matched(await replay(path, persisting_factory))
    assert replay_cache_info() == (3, 1, 1)


def test_reusable_stand_ins_refuse_to_serve_outside_a_replay() -> None:
    parts = reusable_parts("plan", model=True)
    with pytest.raises(UsageError, match="outside a replay"):
        parts.clock.now()
    with pytest.raises(UsageError, match="outside a replay"):
        _ = parts.deps.prices


def test_an_offline_agent_without_a_grammar_is_still_refused_when_made() -> None:
    from dataclasses import replace

    with pytest.raises(UsageError, match="no offline grammar"):
        Agent(replace(SPEC, grammar=None), Toolset(TOOLS))


async def test_the_kept_agents_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    small = replay_cache.ReplayCache(size=2)
    monkeypatch.setattr(importlib.import_module("plangate.graphs.traces.replay"), "CACHE", small)
    factories = [_persisting() for _ in range(3)]
    for factory in [*factories, factories[2], factories[0]]:
        matched(await replay(PRICES, factory))
    assert small.info() == (1, 4, 2)  # the third was kept; the first had to be built again


def _persisting() -> Any:
    def factory(parts: RunParts) -> Engine:
        return persisting_factory(parts)

    return factory
