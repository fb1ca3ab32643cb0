"""The shape of a scripted demo scenario, shared by every agent's scenario module."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["Scenario"]


@dataclass(frozen=True)
class Scenario:
    """One scripted demo run: a request sent to an agent at a set moment, with its decision.

    The moment is part of the scenario: what a sandbox answers depends on the time (the market
    is open or closed, a table is free or taken, "tomorrow" is a date), and a scenario shows
    what its title says at any hour only if it always runs at the same moment.

    Attributes:
        name: A short stable identifier (``plangate demo reservation --scenario NAME``).
        title: A one-line human title shown by the CLI before the run.
        request: The natural-language request given to the agent.
        now: The moment the sandbox and the agent run at (timezone-aware).
        approve: Whether the scripted user approves the pending approvals (``True``)
            or rejects them (``False``).
    """

    name: str
    title: str
    request: str
    now: datetime
    approve: bool = True
