"""The demo agents by name, imported only when asked for (so ``plangate --help`` stays fast)."""

from __future__ import annotations

import importlib

from plangate.agents.spec import AgentSpec
from plangate.tools.errors import UsageError

AGENTS: dict[str, str] = {
    "reservation": "plangate.agents.reservation.spec",
    "trading": "plangate.agents.trading.spec",
}


def agent_spec(name: str) -> AgentSpec:
    """The spec of the agent called ``name``.

    Raises:
        UsageError: no such agent; the message lists the known ones.
    """
    module = AGENTS.get(name)
    if module is None:
        raise UsageError(f"unknown agent {name!r}; choose one of: {', '.join(AGENTS)}")
    spec: AgentSpec = importlib.import_module(module).SPEC
    return spec
