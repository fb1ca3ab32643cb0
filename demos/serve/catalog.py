"""Every command's agents: the two assistants by name, or any agent by ``module:attribute``.

One resolver serves ``plangate run``, ``resume``, ``graph``, ``replay``, ``serve`` and
``worker``. A reference names, in a module importable from the current folder:

- an ``Agent``: its spec, and its own tools (bound to their own dependencies);
- an ``AgentSpec``: its tools come from the bundled domains;
- a pair ``(AgentSpec, toolset)``: the spec and its own tools, a ``Toolset`` or a function of
  no arguments returning one (a toolset factory);
- a function of no arguments returning any of these (an agent factory).

The commands rebuild the agent over their own store: a domain tool the agent uses is bound to
the command's backends (the sandbox world in ``.plangate/``, or ``--backend``), its own tools
keep their dependencies. References are resolved when a command or server starts, never from a
request: a client chooses among the agents served, it cannot make the server import a module.
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeGuard

from plangate.agents import Agent, AgentSpec
from plangate.agents.catalog import AGENTS, agent_spec
from plangate.tools.domains.backends import Backends, bind_tools
from plangate.tools.domains.catalog import builtin_tools
from plangate.tools.errors import UsageError
from plangate.tools.registry import Toolset

__all__ = [
    "LoadedAgent",
    "agent_tools",
    "import_reference",
    "is_reference",
    "load_agent",
    "own_tools",
    "resolve_agent",
    "resolve_agents",
]


@dataclass(frozen=True)
class LoadedAgent:
    """An agent a command runs.

    Attributes:
        spec: what the agent is.
        tools: its own tools, bound to their dependencies; ``None`` when it uses only the
            bundled domains' tools.
        reference: the ``module:attribute`` it was loaded from; ``None`` for an assistant
            named by its name.
        agent: the ``Agent`` the reference named, if it named one (``plangate graph`` draws
            it as it is: its strategy, its extra guardrails).
    """

    spec: AgentSpec
    tools: Toolset | None = None
    reference: str | None = None
    agent: Agent | None = None


_OWN_TOOLS: dict[int, tuple[AgentSpec, Toolset]] = {}
"""Own tools by spec identity: an agent loaded by reference keeps them wherever its spec goes."""


def is_reference(name: str) -> bool:
    """Whether ``name`` is a ``module:attribute`` reference rather than an assistant's name."""
    return ":" in name


def import_reference(ref: str) -> Any:
    """The object ``module:attribute`` names, importing the module from the current folder too.

    Raises:
        UsageError: the reference is malformed, the module cannot be imported or lacks it.
    """
    module_name, _, attribute = ref.partition(":")
    if not module_name or not attribute:
        raise UsageError(f"agent reference {ref!r} must look like package.module:attribute")
    if os.getcwd() not in sys.path:  # like uvicorn: the project's own modules by dotted path
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise UsageError(f"agent reference {ref!r}: cannot import {module_name}: {exc}") from exc
    value = module
    for part in attribute.split("."):
        if not hasattr(value, part):
            raise UsageError(f"agent reference {ref!r}: {module_name} has no {attribute!r}")
        value = getattr(value, part)
    return value


def is_factory(value: object) -> TypeGuard[Callable[[], object]]:
    """Whether ``value`` is a function to call with no arguments (not an agent, not a class)."""
    if not callable(value) or isinstance(value, (Agent, AgentSpec, Toolset, type)):
        return False
    try:
        signature = inspect.signature(value)
    except (TypeError, ValueError):
        return False
    return all(
        p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        for p in signature.parameters.values()
    )


def _toolset(value: object, ref: str) -> Toolset:
    found = value() if is_factory(value) else value
    if not isinstance(found, Toolset):
        raise UsageError(
            f"agent reference {ref!r}: the toolset paired with the spec is a "
            f"{type(found).__name__}, not a Toolset or a function returning one"
        )
    return found


def _loaded(value: object, ref: str, *, called: bool = False) -> LoadedAgent:
    if isinstance(value, Agent):
        return LoadedAgent(value.spec, value.toolset, ref, value)
    if isinstance(value, AgentSpec):
        return LoadedAgent(value, None, ref)
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], AgentSpec):
        return LoadedAgent(value[0], _toolset(value[1], ref), ref)
    if not called and is_factory(value):
        try:
            made = value()
        except UsageError:
            raise
        except Exception as exc:  # the user's factory failed: say whose
            raise UsageError(f"agent reference {ref!r}: the factory failed: {exc}") from exc
        return _loaded(made, ref, called=True)
    raise UsageError(
        f"agent reference {ref!r} is a {type(value).__name__}, not an Agent, an AgentSpec, a "
        "pair (AgentSpec, toolset) or a function of no arguments returning one of them"
    )


def load_agent(name: str) -> LoadedAgent:
    """The agent ``name`` names: an assistant's name, or ``module:attribute``.

    Raises:
        UsageError: no such assistant, the module or attribute is missing, or it names
            something that is not an agent (the message says what it is).
    """
    if not is_reference(name):
        try:
            return LoadedAgent(agent_spec(name))
        except ImportError as exc:
            raise UsageError(f"agent {name!r} cannot be loaded: {exc}") from exc
    loaded = _loaded(import_reference(name), name)
    if loaded.tools is not None:
        missing = [tool for tool in loaded.spec.tools if tool not in loaded.tools]
        unknown = [tool for tool in missing if tool not in builtin_tools()]
        if unknown:
            raise UsageError(
                f"agent {name!r} uses tools it does not bring and no domain has: "
                f"{', '.join(unknown)}"
            )
        _OWN_TOOLS[id(loaded.spec)] = (loaded.spec, loaded.tools)
    return loaded


def own_tools(spec: AgentSpec) -> Toolset | None:
    """The tools ``spec``'s agent brought when it was loaded by reference, if any."""
    found = _OWN_TOOLS.get(id(spec))
    return found[1] if found is not None and found[0] is spec else None


def agent_tools(spec: AgentSpec, backends: Backends | None) -> Toolset:
    """The tools ``spec`` runs with: domain tools over ``backends``, then its own.

    A tool of the agent's own that *is* a domain tool (the same ``Tool``) is bound to
    ``backends``, so every command acts on its own world; any other keeps its dependencies.
    With ``backends=None`` the domain tools are left unbound (a replay binds them all).
    """
    domain = bind_tools(backends) if backends is not None else builtin_tools()
    own = own_tools(spec)
    if own is None:
        return domain
    merged = Toolset()
    for name in domain.names:
        if name not in own.names or own.get(name) is domain.get(name):
            binding = domain.binding(name)
            merged.add(binding.tool, deps=binding.deps)
    for name in own.names:
        if name not in merged.names:
            binding = own.binding(name)
            merged.add(binding.tool, deps=binding.deps, name=name)
    return merged


def resolve_agent(ref: str) -> AgentSpec:
    """The spec ``ref`` names (see ``load_agent``); its own tools are remembered with it."""
    return load_agent(ref).spec


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
