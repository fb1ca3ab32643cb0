"""The agents a server serves: the two assistants by name, or any agent by reference.

A reference is ``module:attribute`` naming an ``AgentSpec``, an ``Agent`` (its spec is served:
the server binds it to its own store, tools and checkpointer), or a function of no arguments
returning either. References are resolved when the server starts, never from a request: a
client chooses among the agents served, it cannot make the server import a module.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from plangate.agents import Agent, AgentSpec
from plangate.agents.catalog import AGENTS, agent_spec
from plangate.tools.errors import UsageError


def _as_spec(value: object, ref: str) -> AgentSpec:
    if isinstance(value, Agent):
        return value.spec
    if isinstance(value, AgentSpec):
        return value
    raise UsageError(
        f"agent reference {ref!r} is a {type(value).__name__}, not an AgentSpec or Agent"
    )


def resolve_agent(ref: str) -> AgentSpec:
    """The spec ``ref`` names: an assistant's name, or ``module:attribute``.

    Raises:
        UsageError: no such assistant, the module or attribute is missing, or it is not an
            ``AgentSpec``/``Agent`` (or a factory of one).
    """
    if ":" not in ref:
        try:
            return agent_spec(ref)
        except ImportError as exc:
            raise UsageError(f"agent {ref!r} cannot be loaded: {exc}") from exc
    module_name, _, attribute = ref.partition(":")
    if not module_name or not attribute:
        raise UsageError(f"agent reference {ref!r} must look like package.module:attribute")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise UsageError(f"agent reference {ref!r}: cannot import {module_name}: {exc}") from exc
    value = getattr(module, attribute, None)
    if value is None:
        raise UsageError(f"agent reference {ref!r}: {module_name} has no {attribute!r}")
    if callable(value) and not isinstance(value, (Agent, AgentSpec, type)):
        value = value()
    return _as_spec(value, ref)


def resolve_agents(refs: Iterable[str] = ()) -> dict[str, AgentSpec]:
    """The specs ``refs`` name, by agent name; the two assistants when ``refs`` is empty.

    Raises:
        UsageError: a reference cannot be resolved, or two name the same agent.
    """
    specs: dict[str, AgentSpec] = {}
    for ref in list(refs) or list(AGENTS):
        spec = resolve_agent(ref)
        if spec.name in specs:
            raise UsageError(f"two agents served are called {spec.name!r}; serve one of them")
        specs[spec.name] = spec
    return specs
