"""What a replay runs against: the agent a trace names, or the one ``--agent`` names.

Agents are loaded by ``plangate.demos.serve.catalog`` (the resolver every command shares); a
replay may also be given a replay factory ``(RunParts) -> Engine`` by reference.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from plangate.agents import AgentSpec
    from plangate.graphs.traces.replay import ReplayTarget, RunParts


def spec_target(spec: AgentSpec) -> ReplayTarget:
    """``spec`` rebuilt around a replay's stand-ins (its model, executor, clock, backends).

    Its tools are the bundled domains' and, for an agent loaded by reference, its own.
    """
    from plangate.agents import Agent
    from plangate.demos.serve.catalog import agent_tools

    def build(parts: RunParts) -> Agent:
        toolset = agent_tools(spec, None).allow(spec.tools).bind(parts.deps)
        return Agent(
            spec, toolset, model=parts.model, strategy=parts.strategy, clock=parts.clock,
            executor=parts.executor,
        )  # fmt: skip

    return build


def resolve_target(
    agent_name: str, reference: str | None, recorded: str | None = None
) -> ReplayTarget:
    """What to replay against.

    Args:
        agent_name: the agent the trace's header names.
        reference: ``--agent``: an assistant's name or ``module:attribute`` naming an agent
            (see ``plangate.demos.serve.catalog``) or a replay factory ``(RunParts) -> Engine``.
        recorded: the ``module:attribute`` the header recorded, used when ``reference`` is
            ``None``.

    Raises:
        ValueError: the agent cannot be loaded or names nothing replayable.
    """
    from plangate.agents import Agent
    from plangate.agents.catalog import AGENTS
    from plangate.demos.serve.catalog import import_reference, is_factory, is_reference, load_agent
    from plangate.tools.errors import PlangateError

    chosen = reference or recorded
    if chosen is None:
        if agent_name not in AGENTS:
            raise ValueError(
                f"the trace was recorded by agent {agent_name!r}, which is not a demo agent "
                f"({', '.join(AGENTS)}) and the trace does not say where it lives; name it "
                "with --agent module:attribute"
            )
        chosen = agent_name
    try:
        if is_reference(chosen):
            found = import_reference(chosen)
            if isinstance(found, Agent):
                return found
            if callable(found) and not is_factory(found) and not isinstance(found, type):
                target: ReplayTarget = found  # a replay factory (RunParts) -> Engine
                return target
        return spec_target(load_agent(chosen).spec)
    except (PlangateError, ImportError) as exc:
        where = "--agent" if reference else "the trace's agent"
        raise ValueError(f"cannot load {where} {chosen!r}: {exc}") from exc
