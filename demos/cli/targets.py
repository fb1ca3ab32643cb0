"""What a trace command runs against: a demo agent by name, or ``module:attribute``."""

from __future__ import annotations

import importlib
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from plangate.agents import AgentSpec
    from plangate.graphs.traces.replay import ReplayTarget, RunParts


def _import(reference: str) -> Any:
    module_name, sep, attribute = reference.partition(":")
    if not sep or not module_name or not attribute:
        raise ValueError(f"--agent {reference!r} is not module:attribute")
    if os.getcwd() not in sys.path:  # like uvicorn: the project's own modules by dotted path
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
        return getattr(module, attribute)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"cannot load --agent {reference!r}: {exc}") from exc


def spec_target(spec: AgentSpec) -> ReplayTarget:
    """``spec`` rebuilt around a replay's stand-ins (its model, executor, clock, backends)."""
    from plangate.agents import Agent
    from plangate.tools.domains.catalog import all_tools

    def build(parts: RunParts) -> Agent:
        toolset = all_tools().allow(spec.tools).bind(parts.deps)
        return Agent(
            spec, toolset, model=parts.model, strategy=parts.strategy, clock=parts.clock,
            executor=parts.executor,
        )  # fmt: skip

    return build


def resolve_target(agent_name: str, reference: str | None) -> ReplayTarget:
    """What to replay against: ``--agent module:attr``, else the demo agent of that name.

    Raises:
        ValueError: the reference cannot be loaded or names nothing replayable.
    """
    from plangate.agents import AgentSpec
    from plangate.agents.catalog import AGENTS, agent_spec
    from plangate.tools.errors import PlangateError

    if reference is None:
        if agent_name not in AGENTS:
            raise ValueError(
                f"the trace was recorded by agent {agent_name!r}, which is not a demo agent "
                f"({', '.join(AGENTS)}); name it with --agent module:attribute"
            )
        try:
            return spec_target(agent_spec(agent_name))
        except (PlangateError, ImportError) as exc:
            raise ValueError(f"cannot load agent {agent_name!r}: {exc}") from exc
    found = _import(reference)
    if isinstance(found, AgentSpec):
        return spec_target(found)
    if hasattr(found, "for_replay") or callable(found):
        target: ReplayTarget = found
        return target
    raise ValueError(f"--agent {reference!r} is a {type(found).__name__}, not an agent or factory")
