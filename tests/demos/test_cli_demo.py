"""``plangate demo``: each demo agent's scripted scenarios end to end, offline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plangate.demos.cli.commands import app
from plangate.demos.cli.runner import load_scenarios
from plangate.demos.cli.session import Session
from plangate.tools.clock import FakeClock
from plangate.tools.domains.restaurants.sandbox import SandboxRestaurantBackend
from plangate.tools.errors import UsageError


@pytest.mark.parametrize("agent", ["reservation", "trading"])
def test_demo_yes_runs_every_scenario_and_exits_0(home: Path, agent: str) -> None:
    result = CliRunner().invoke(app, ["demo", agent, "--yes"])
    assert result.exit_code == 0, result.output
    scenarios = load_scenarios(agent)
    assert scenarios
    for scenario in scenarios:
        assert f"({scenario.name})" in result.stdout
    if any(not s.approve for s in scenarios):
        assert "rejected without asking" in result.stdout
    assert Session(home).stored_worlds() == ["demo"]


def test_a_demo_pause_without_a_terminal_exits_4_and_its_resume_completes(home: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["demo", "reservation", "--scenario", "dinner"])
    assert result.exit_code == 4, result.output
    hint = re.search(r"plangate resume (\S+) --approve (\S+)", result.stdout)
    assert hint, result.stdout
    resumed = runner.invoke(app, ["resume", hint[1], "--approve", hint[2]])
    assert resumed.exit_code == 0, resumed.output
    restaurants = Session(home).load_world("demo", FakeClock()).restaurants
    assert isinstance(restaurants, SandboxRestaurantBackend)
    assert len(restaurants.reservations()) == 1


def test_an_unknown_scenario_or_agent_without_scenarios_is_a_usage_error(home: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "reservation", "--scenario", "nope"])
    assert result.exit_code == 2
    assert "no scenario 'nope' for reservation; choose one of: dinner" in result.stderr
    result = CliRunner().invoke(app, ["demo", "tables"])
    assert result.exit_code == 2
    assert "agent 'tables' has no scripted demo scenarios" in result.stderr
    with pytest.raises(UsageError):
        load_scenarios("tables")
