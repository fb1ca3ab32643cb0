"""The shape of a scripted demo scenario, shared by every agent's scenario module."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Scenario"]


@dataclass(frozen=True)
class Scenario:
    """One scripted demo run: a request sent to an agent, with its approval decision.

    Attributes:
        name: A short stable identifier (``plangate demo reservation --scenario NAME``).
        title: A one-line human title shown by the CLI before the run.
        request: The natural-language request given to the agent.
        approve: Whether the scripted user approves the pending approvals (``True``)
            or rejects them (``False``).
    """

    name: str
    title: str
    request: str
    approve: bool = True
