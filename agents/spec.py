"""``AgentSpec``: what makes an assistant — instructions, tools, policy, answer, offline grammar.

Writes are gated by default: every write tool waits for a person's approval unless the spec
lists it in ``writes_without_approval`` (or says ``"all"``), or its policy brings its own
``ApproveWrites``. A write exempted that way still waits when a value in its arguments came from
a tool result, or when it was planned after reading tool results (``UntrustedWriteApproval``),
unless the spec also lists it in ``untrusted_writes_without_approval``. A read that sends data
outward (it declares sinks: ``@tool(effect="read", sinks={"url": "approve"})``) waits the same
way when an untrusted value reaches a declared argument. Whatever the opt-outs, an untrusted
value in an argument its tool declares ``refuse`` is blocked, in a write or an outward read
(``UntrustedWriteRefusal``; ``plangate.tools.sinks``).

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
from plangate.graphs.guards.sinks import UntrustedWriteApproval, UntrustedWriteRefusal
from plangate.graphs.offline.grammar import Grammar, Intent
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
        grammar: the requests the offline planner understands: a ``Grammar``, or its
            intents in order (made a ``Grammar`` when the spec is built).
        offline_answer: writes the answer when no model is used.
        budget: the run's bounds.
        examples: requests that show what the agent does (demo and help text).
        writes_without_approval: the write tools that run without a person's approval, or
            ``"all"``. By default every write waits for one: the agent adds ``ApproveWrites``
            to its guardrails unless its policy has an ``ApproveWrites`` of its own.
        untrusted_writes_without_approval: the write tools (and outward reads) that run
            without approval even when their arguments hold values from tool results, or
            ``"all"``. By default a write that no ``ApproveWrites`` gates, and a read at an
            argument it declares a sink, still wait for a person when the value there is
            untrusted (``plangate.graphs.guards.sinks.UntrustedWriteApproval``).
        max_parallel: the most tool calls that run at once, e.g. ``1`` for a policy that
            demands one action at a time; ``None`` for the engine's default
            (``PlanLimits.max_parallel``). Further ready steps wait for the next wave.
    """

    name: str
    description: str
    instructions: str
    tools: tuple[str, ...]
    response_model: type[BaseModel]
    policy: PolicyFactory = field(default=lambda toolset: ())
    grammar: Grammar | Sequence[Intent] | None = None
    offline_answer: OfflineAnswer | None = None
    budget: Budget = DEFAULT_BUDGET
    examples: tuple[str, ...] = ()
    writes_without_approval: tuple[str, ...] | Literal["all"] = ()
    untrusted_writes_without_approval: tuple[str, ...] | Literal["all"] = ()
    max_parallel: int | None = None

    def write_gate(self, policy: Sequence[Guardrail]) -> tuple[Guardrail, ...]:
        """The approval gates on writes this agent adds to ``policy``.

        ``ApproveWrites`` for the writes not exempted (none if the policy has its own), then
        ``UntrustedWriteApproval`` for the writes no ``ApproveWrites`` covers and for the reads
        that declare sinks (``ApproveWrites`` never holds a read), unless exempted from that
        too (or the policy has its own). First of all ``UntrustedWriteRefusal``, unless the
        policy has its own: a tool's ``refuse`` declarations hold whatever the opt-outs.
        """
        own = [guard for guard in policy if isinstance(guard, ApproveWrites)]
        refuses = any(isinstance(guard, UntrustedWriteRefusal) for guard in policy)
        gates: list[Guardrail] = [] if refuses else [UntrustedWriteRefusal()]
        covered: set[str] | None  # None: every write waits for approval already
        if own:
            lists = [guard.tools for guard in own]
            covered = None if None in lists else {name for names in lists for name in names or ()}
        elif self.writes_without_approval == "all":
            covered = set()
        else:
            exempt = set(self.writes_without_approval)
            gated = [name for name in self.tools if name not in exempt] if exempt else None
            gates.append(ApproveWrites(tools=gated))
            covered = None if gated is None else set(gated)
        if self.untrusted_writes_without_approval == "all" or any(
            isinstance(guard, UntrustedWriteApproval) for guard in policy
        ):
            return tuple(gates)
        trusting = set(self.untrusted_writes_without_approval)
        # The guardrail itself tells reads from writes: writes among ``reads`` and reads
        # without sinks are never watched as reads.
        reads = [name for name in self.tools if name not in trusting]
        writes = [] if covered is None else [name for name in reads if name not in covered]
        if reads:
            gates.append(UntrustedWriteApproval(tools=writes, reads=reads))
        return tuple(gates)

    def __post_init__(self) -> None:
        if self.grammar is not None and not isinstance(self.grammar, Grammar):
            object.__setattr__(self, "grammar", Grammar(self.grammar))
        if not self.name.isidentifier():
            raise UsageError(f"agent name {self.name!r} must be an identifier, e.g. 'reservation'")
        if not self.tools:
            raise UsageError(f"agent {self.name!r} lists no tools")
        for option in ("writes_without_approval", "untrusted_writes_without_approval"):
            exempt = getattr(self, option)
            if isinstance(exempt, str) and exempt != "all":
                raise UsageError(
                    f"agent {self.name!r}: {option} is 'all' or a tuple of tool "
                    f"names, e.g. ({exempt!r},), not the string {exempt!r}"
                )
            unknown = [] if exempt == "all" else [n for n in exempt if n not in self.tools]
            if unknown:
                raise UsageError(
                    f"agent {self.name!r}: {option} names tools it does not use: "
                    f"{', '.join(unknown)}"
                )
        check_max_parallel(self.max_parallel, owner=f"agent {self.name!r}")
        if not (
            isinstance(self.response_model, type) and issubclass(self.response_model, BaseModel)
        ):
            raise UsageError(f"agent {self.name!r}: response_model must be a pydantic model class")


def check_max_parallel(value: object, *, owner: str) -> None:
    """Refuse a ``max_parallel`` that is not ``None`` or a whole number of at least 1.

    Raises:
        UsageError: naming ``owner`` and the value given.
    """
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise UsageError(
            f"{owner}: max_parallel must be a whole number of at least 1 (1 runs one tool "
            f"call at a time) or None for the default, got {value!r}"
        )
