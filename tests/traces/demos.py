"""The demo agents' scripted scenarios, recorded as ``tests/traces/<agent>/<scenario>.jsonl``.

Each scenario runs offline on the seeded sandbox, on a fixed clock, and its approvals are
decided as the scenario says. The sandbox's data is synthetic, so these traces keep it as it is
(``redact_pii=False``), readable in review; ``tests/demos/test_scenario_traces.py`` records every
scenario with redaction on, as a user would, and replays it. Regenerate with
``pytest tests/graphs/traces/test_trace_files.py --record-traces``.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from plangate.agents import Agent
from plangate.agents.catalog import agent_spec
from plangate.tools.clock import FakeClock
from plangate.tools.domains.backends import bind_tools, sandbox_backends

SCENARIO_MODULES = {
    "reservation": "plangate.demos.scenarios.reservation",
    "trading": "plangate.demos.scenarios.trading",
}
MAX_PAUSES = 8


def scenarios(agent: str) -> list[Any]:
    """The agent's scripted scenarios (none while its scenario module does not exist yet)."""
    try:
        module = importlib.import_module(SCENARIO_MODULES[agent])
    except ModuleNotFoundError:
        return []
    return list(module.SCENARIOS)


def scenario(agent: str, name: str) -> Any:
    """One scenario by name."""
    return next(s for s in scenarios(agent) if s.name == name)


async def record_demo(agent: str, case: Any, path: Path) -> None:
    """Run ``case`` on the sandbox, deciding each pause as it says, recording into ``path``."""
    clock = FakeClock(case.now)  # the scenario's own moment, as `plangate demo` runs it
    live = Agent(agent_spec(agent), bind_tools(sandbox_backends(seed=0, clock=clock)), clock=clock)
    decision = "approve" if case.approve else "reject"
    with live.record(path, redact_pii=False):
        result = await live.run(case.request, thread_id=case.name)
        for _ in range(MAX_PAUSES):
            if result.status != "paused":
                break
            result = await live.resume(case.name, {a["id"]: decision for a in result.approvals})
