"""Every demo scenario, recorded with PII redaction on (the default), replays exactly.

The reservation scenarios read calendars whose events list attendees' emails; the trip books
dinner from them. With markers (``[email]``) the replayed calendar result failed its email
validation and the replay diverged; stand-ins of the same shape keep it exact. The README's trip
example is also run end to end through the CLI, in one command and with the resume recorded by a
second command into the same trace.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from plangate.agents import Agent
from plangate.agents.catalog import agent_spec
from plangate.demos.cli.commands import app
from plangate.demos.scenarios.base import Scenario
from plangate.graphs.engine.build import RunResult
from plangate.graphs.guards.pii import find_pii
from plangate.graphs.guards.pseudonyms import PSEUDONYM_DOMAIN, is_pseudonym
from plangate.graphs.traces.format import read_trace
from plangate.graphs.traces.replay import replay
from plangate.graphs.traces.surface import outcome_of
from plangate.tools.clock import FakeClock
from plangate.tools.domains.backends import bind_tools, sandbox_backends
from tests.traces.demos import MAX_PAUSES, SCENARIO_MODULES, scenarios

CASES = [(agent, case) for agent in SCENARIO_MODULES for case in scenarios(agent)]
TRIP = "Fly from Lisbon to Madrid next Friday and book dinner for 2 there at 21:00"
"""The README tour's trip (the ``trip`` reservation scenario)."""


def _raw_pii(results: list[RunResult]) -> set[str]:
    """The PII the live runs saw, as written and without its spaces."""
    text = json.dumps([outcome_of(result) for result in results], ensure_ascii=False)
    found = {m.text for m in find_pii(text) if not is_pseudonym(m.kind, m.text)}
    return found | {re.sub(r"[ ().-]", "", value) for value in found}


async def _record(agent_name: str, case: Scenario, path: Path) -> tuple[Agent, list[RunResult]]:
    clock = FakeClock(case.now)
    live = Agent(agent_spec(agent_name), bind_tools(sandbox_backends(seed=0, clock=clock)),
                 clock=clock)  # fmt: skip
    decision = "approve" if case.approve else "reject"
    with live.record(path):  # redaction on: the default
        results = [await live.run(case.request, thread_id=case.name)]
        for _ in range(MAX_PAUSES):
            if results[-1].status != "paused":
                break
            decisions = {a["id"]: decision for a in results[-1].approvals}
            results.append(await live.resume(case.name, decisions))
    return live, results


@pytest.mark.parametrize(("agent", "case"), CASES, ids=[f"{a}-{c.name}" for a, c in CASES])
async def test_a_scenario_recorded_with_redaction_replays(
    agent: str, case: Scenario, tmp_path: Path
) -> None:
    path = tmp_path / f"{case.name}.jsonl"
    live, results = await _record(agent, case, path)
    assert read_trace(path).header.pii_redacted
    text = path.read_text(encoding="utf-8")
    leaked = sorted(value for value in _raw_pii(results) if value in text)
    assert not leaked, f"raw PII in the trace of {case.name}: {leaked}"
    report = await replay(path, live)
    assert report.ok, f"{report.summary()}\n{report.diff}"
    assert report.runs == len(results)
    replayed = [result.status for result in report.results]
    assert replayed == [result.status for result in results]


async def test_the_scenarios_do_see_pii(tmp_path: Path) -> None:
    """The check above is not empty: the trip reads attendees' emails, which become stand-ins."""
    trip = next(case for agent, case in CASES if case.name == "trip")
    _, results = await _record("reservation", trip, tmp_path / "trip.jsonl")
    assert any("@" in value for value in _raw_pii(results))
    assert f"@{PSEUDONYM_DOMAIN}" in (tmp_path / "trip.jsonl").read_text(encoding="utf-8")


def _cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def test_the_readme_trip_records_and_replays_through_the_cli(home: Path, tmp_path: Path) -> None:
    trace = tmp_path / "t.jsonl"
    ran = _cli("run", "reservation", TRIP, "--yes", "--trace", str(trace))
    assert ran.exit_code == 0, ran.output
    replayed = _cli("replay", str(trace))
    assert replayed.exit_code == 0, replayed.output
    assert "replay matches" in replayed.output
    assert f"@{PSEUDONYM_DOMAIN}" in trace.read_text(encoding="utf-8")


def test_a_resume_recorded_by_another_command_keeps_the_stand_ins(
    home: Path, tmp_path: Path
) -> None:
    trace = tmp_path / "t.jsonl"
    ran = _cli("run", "reservation", TRIP, "--thread", "trip", "--trace", str(trace))
    assert ran.exit_code == 4, ran.output  # waits for the flight's approval
    resumed = _cli("resume", "trip", "--approve", "flight", "--trace", str(trace))
    assert resumed.exit_code == 4, resumed.output  # then for the table's
    text = trace.read_text(encoding="utf-8")
    assert f"user1@{PSEUDONYM_DOMAIN}" in text
    assert f"user5@{PSEUDONYM_DOMAIN}" not in text  # the same attendees, not new stand-ins
    replayed = _cli("replay", str(trace))
    assert replayed.exit_code == 0, replayed.output
