"""Every committed trace under ``tests/traces/`` replays, with no model and no backend.

With the plangate plugin's ``--record-traces`` the cases this suite knows are recorded afresh
first (``pytest tests/graphs/traces/test_trace_files.py --record-traces``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from plangate.agents import Agent
from plangate.agents.catalog import AGENTS, agent_spec
from plangate.graphs.traces.format import read_trace
from plangate.graphs.traces.replay import ReplayTarget, replay
from plangate.tools.domains.catalog import all_tools
from tests.traces.agents import CASES, TRACES, live
from tests.traces.demos import SCENARIO_MODULES, record_demo, scenario, scenarios

FILES = sorted(TRACES.rglob("*.jsonl"))


def target(agent: str) -> ReplayTarget:
    """The agent a trace replays against: the shop, or a demo agent over the unbound tool
    catalog. Made afresh for each trace, as a test does; replays reuse what they build."""
    if agent == "shop":
        return live()
    return Agent(agent_spec(agent), all_tools())


def test_the_committed_traces_cover_every_case_and_scenario() -> None:
    recorded = {path.stem for path in (TRACES / "shop").glob("*.jsonl")}
    assert recorded == set(CASES)
    for agent in SCENARIO_MODULES:
        expected = {case.name for case in scenarios(agent)}
        assert {path.stem for path in (TRACES / agent).glob("*.jsonl")} >= expected, agent


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(TRACES)) for p in FILES])
async def test_a_committed_trace_replays(path: Path, request: pytest.FixtureRequest) -> None:
    agent = read_trace(path).header.agent
    if request.config.getoption("record_traces", default=False):
        if agent == "shop" and path.stem in CASES:
            await CASES[path.stem](path)
        elif agent in SCENARIO_MODULES:
            await record_demo(agent, scenario(agent, path.stem), path)
    assert agent == "shop" or agent in AGENTS, f"no agent {agent!r} for {path}"
    report = await replay(path, target(agent))
    assert report.ok, f"{report.summary()}\n{report.diff}"
    assert report.runs >= 1
