"""Seeded runs under 20% injected faults: defined endings, no duplicated or phantom writes."""

from __future__ import annotations

import pytest

from plangate.agents.passk import measure
from plangate.demos.scenarios.reservation import SCENARIOS as RESERVATION
from plangate.demos.scenarios.trading import SCENARIOS as TRADING
from tests.reliability.harness import audit, run_trial

RUNS_PER_AGENT = 100
FAULT_RATE = 0.2


@pytest.mark.parametrize("agent", ["reservation", "trading"])
async def test_runs_under_faults_end_cleanly_and_never_duplicate_a_write(agent: str) -> None:
    scenarios = {"reservation": RESERVATION, "trading": TRADING}[agent]
    endings: dict[str, int] = {}
    problems: list[str] = []
    for seed in range(RUNS_PER_AGENT):
        scenario = scenarios[seed % len(scenarios)]
        trial = await run_trial(agent, scenario.request, seed, FAULT_RATE)
        endings[trial.result.status] = endings.get(trial.result.status, 0) + 1
        problems.extend(f"seed {seed} ({scenario.name}): {p}" for p in audit(trial))
    assert problems == []
    assert sum(endings.values()) == RUNS_PER_AGENT
    assert endings.get("done", 0) > RUNS_PER_AGENT // 2, endings


async def test_pass_hat_k_reports_consistency_under_faults() -> None:
    scenario = RESERVATION[0]

    async def trial(seed: int) -> bool:
        run = await run_trial("reservation", scenario.request, seed, FAULT_RATE)
        return run.result.status == "done" and not audit(run)

    report = await measure({scenario.name: trial}, trials=6, first_seed=1000)
    assert report.pass_hat(1) >= report.pass_hat(6)
    assert 0.0 <= report.pass_hat(6) <= 1.0
    assert report.table().count("\n") == 7
