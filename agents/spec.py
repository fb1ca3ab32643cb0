"""``AgentSpec``: what makes an assistant — instructions, tools, policy, answer, offline grammar.

Writes are gated by default: every write tool waits for a person's approval unless the spec
lists it in ``writes_without_approval`` (or says ``"all"``), or its policy brings its own
``ApproveWrites``.

A spec is pure configuration. ``plangate.agents.agent.Agent`` turns it into a running engine, given
the tools' backends and a chat model (or none: then the offline ``RulePlanner`` plans with the
spec's grammar and ``offline_answer`` writes the answer).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel

from plangate.graphs.engine.budget import DEFAULT_BUDGET, Budget
from plangate.graphs.guards.guardrails import Guardrail
from plangate.graphs.guards.policy import ApproveWrites
from plangate.graphs.offline.grammar import Grammar
from plangate.tools.errors import UsageError
from plangate.tools.registry import Toolset

PolicyFactory = Callable[[Toolset], Sequence[Guardrail]]
"""Builds the agent's guardrails; given the bound toolset so policies can consult backends."""

OfflineAnswer = Callable[[str, Mapping[str, Any]], BaseModel | dict[str, Any]]
"""``(request, step records by id) -> answer``: the answer written without a model."""


@dataclass(frozen=True)
class AgentSpec:
    """An assistant's configuration.

    Attributes:
        name: short name, e.g. ``"reservation"`` (used on the command line).
        description: one line saying what the agent does.
        instructions: what the model is told (planner, react turns and responder).
        tools: names of the tools the agent may use (its allow-list).
        response_model: the pydantic model of the final answer.
        policy: builds the guardrails, in the order they run.
        grammar: the requests the offline planner understands.
        offline_answer: writes the answer when no model is used.
        budget: the run's bounds.
        examples: requests that show what the agent does (demo and help text).
        writes_without_approval: the write tools that run without a person's approval, or
            ``"all"``. By default every write waits for one: the agent adds ``ApproveWrites``
            to its guardrails unless its policy has an ``ApproveWrites`` of its own.
    """

    name: str
    description: str
    instructions: str
    tools: tuple[str, ...]
    response_model: type[BaseModel]
    policy: PolicyFactory = field(default=lambda toolset: ())
    grammar: Grammar | None = None
    offline_answer: OfflineAnswer | None = None
    budget: Budget = DEFAULT_BUDGET
    examples: tuple[str, ...] = ()
    writes_without_approval: tuple[str, ...] | Literal["all"] = ()

    def write_gate(self, policy: Sequence[Guardrail]) -> tuple[Guardrail, ...]:
        """The approval gate on writes this agent adds to ``policy`` (none if it has its own)."""
        if self.writes_without_approval == "all" or any(
            isinstance(guard, ApproveWrites) for guard in policy
        ):
            return ()
        exempt = set(self.writes_without_approval)
        gated = [name for name in self.tools if name not in exempt] if exempt else None
        return (ApproveWrites(tools=gated),)

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            raise UsageError(f"agent name {self.name!r} must be an identifier, e.g. 'reservation'")
        if not self.tools:
            raise UsageError(f"agent {self.name!r} lists no tools")
        exempt = self.writes_without_approval
        if isinstance(exempt, str) and exempt != "all":
            raise UsageError(
                f"agent {self.name!r}: writes_without_approval is 'all' or a tuple of tool "
                f"names, e.g. ({exempt!r},), not the string {exempt!r}"
            )
        unknown = [] if exempt == "all" else [n for n in exempt if n not in self.tools]
        if unknown:
            raise UsageError(
                f"agent {self.name!r}: writes_without_approval names tools it does not use: "
                f"{', '.join(unknown)}"
            )
        if not (
            isinstance(self.response_model, type) and issubclass(self.response_model, BaseModel)
        ):
            raise UsageError(f"agent {self.name!r}: response_model must be a pydantic model class")
