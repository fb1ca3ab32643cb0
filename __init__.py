"""plangate: tool-using agents on LangGraph.

The repository root is the ``plangate`` package (``package-dir`` in ``pyproject.toml``); its
folders are the subpackages ``plangate.tools``, ``plangate.graphs``, ``plangate.agents`` and
``plangate.demos``. This module offers the names a newcomer needs first::

    from plangate import Agent, AgentSpec, Toolset, tool

A whole agent — tools, an offline grammar (``intent``), a policy (``PolicyRules`` of ``Rule``s)
and a replayed test — needs nothing else: docs/example/ is one, built from these names only.

They are loaded on first use, so ``import plangate.tools`` stays light (no LangGraph).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from plangate.agents.agent import Agent
    from plangate.agents.spec import AgentSpec
    from plangate.graphs.engine.plan import Plan, Step
    from plangate.graphs.guards.policy import PolicyRules, Rule
    from plangate.graphs.offline.grammar import Grammar, Intent
    from plangate.graphs.offline.intent_decorator import intent
    from plangate.graphs.offline.scripted import ScriptedChatModel
    from plangate.graphs.traces.replay import replay, replay_sync
    from plangate.tools.base import Tool, ToolContext, tool
    from plangate.tools.clock import FakeClock
    from plangate.tools.errors import PlangateError
    from plangate.tools.registry import Toolset

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    "Agent": "plangate.agents.agent",
    "AgentSpec": "plangate.agents.spec",
    "FakeClock": "plangate.tools.clock",
    "Grammar": "plangate.graphs.offline.grammar",
    "Intent": "plangate.graphs.offline.grammar",
    "Plan": "plangate.graphs.engine.plan",
    "PlangateError": "plangate.tools.errors",
    "PolicyRules": "plangate.graphs.guards.policy",
    "Rule": "plangate.graphs.guards.policy",
    "ScriptedChatModel": "plangate.graphs.offline.scripted",
    "Step": "plangate.graphs.engine.plan",
    "Tool": "plangate.tools.base",
    "ToolContext": "plangate.tools.base",
    "Toolset": "plangate.tools.registry",
    "intent": "plangate.graphs.offline.intent_decorator",
    "replay": "plangate.graphs.traces.replay",
    "replay_sync": "plangate.graphs.traces.replay",
    "tool": "plangate.tools.base",
}

__all__ = [
    "Agent",
    "AgentSpec",
    "FakeClock",
    "Grammar",
    "Intent",
    "Plan",
    "PlangateError",
    "PolicyRules",
    "Rule",
    "ScriptedChatModel",
    "Step",
    "Tool",
    "ToolContext",
    "Toolset",
    "intent",
    "replay",
    "replay_sync",
    "tool",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'plangate' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
