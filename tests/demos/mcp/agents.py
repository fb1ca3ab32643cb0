"""The reservation assistant over the seeded sandbox, at a pinned moment, for the MCP tests."""

from __future__ import annotations

from datetime import UTC, datetime

from plangate.agents import Agent
from plangate.agents.catalog import agent_spec
from plangate.tools.clock import PinnedClock
from plangate.tools.domains.backends import Backends, bind_tools, sandbox_backends

BOOK = "book a table for 2 in Lisbon tomorrow at 19:00"
FIND = "search restaurants in Lisbon for 2"


def reservation() -> tuple[Agent, Backends]:
    """A fresh reservation agent and the sandboxes it acts on."""
    clock = PinnedClock(datetime(2026, 5, 4, 9, tzinfo=UTC))
    backends = sandbox_backends(clock=clock)
    return Agent(agent_spec("reservation"), bind_tools(backends), clock=clock), backends
