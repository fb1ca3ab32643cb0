"""Offline planning: run agents with no model and no key.

Built on the engine's planner seam. An agent's intent ``Grammar`` maps phrasings to plans; the
``RulePlanner`` plans from it deterministically and says clearly when a request is outside it.
``slots`` parses dates, times, counts and money out of requests; ``ScriptedChatModel`` is a
chat-model double that answers from a script, for tests of model-driven runs. A grammar's
``Scope`` (``scope``) and its intents' number placers (``numbers``) make the planner refuse what
the agent cannot do (``RequestRefusedError``) instead of falling back on a default.

- ``Grammar``, ``Intent``, ``intent`` (the decorator), ``OutsideGrammarError``, ``RulePlanner``
- ``Scope``, ``Action``, ``Unsupported``
- ``ScriptedChatModel``, ``ScriptExhaustedError``
"""

from plangate.graphs.offline.grammar import Grammar, Intent, OutsideGrammarError
from plangate.graphs.offline.intent_decorator import intent
from plangate.graphs.offline.rule_planner import RulePlanner
from plangate.graphs.offline.scope import Action, Scope, Unsupported
from plangate.graphs.offline.scripted import ScriptedChatModel, ScriptExhaustedError

__all__ = [
    "Action",
    "Grammar",
    "Intent",
    "OutsideGrammarError",
    "RulePlanner",
    "Scope",
    "ScriptExhaustedError",
    "ScriptedChatModel",
    "Unsupported",
    "intent",
]
