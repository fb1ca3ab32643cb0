"""Offline planning: run agents with no model and no key.

Built on the engine's planner seam. An agent's intent ``Grammar`` maps phrasings to plans; the
``RulePlanner`` plans from it deterministically and says clearly when a request is outside it.
``slots`` parses dates, times, counts and money out of requests; ``ScriptedChatModel`` is a
chat-model double that answers from a script, for tests of model-driven runs.

- ``Grammar``, ``Intent``, ``OutsideGrammarError``, ``RulePlanner``
- ``ScriptedChatModel``, ``ScriptExhaustedError``
"""

from plangate.graphs.offline.grammar import Grammar, Intent, OutsideGrammarError
from plangate.graphs.offline.rule_planner import RulePlanner
from plangate.graphs.offline.scripted import ScriptedChatModel, ScriptExhaustedError

__all__ = [
    "Grammar",
    "Intent",
    "OutsideGrammarError",
    "RulePlanner",
    "ScriptExhaustedError",
    "ScriptedChatModel",
]
