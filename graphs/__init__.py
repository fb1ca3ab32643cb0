"""plangate graphs: the LangGraph engine. The only package that imports langgraph.

Four rooms, each named for what it owns:

- ``engine``: how a run flows — state, plans, dispatch, approvals, budgets, the planner and
  responder seams, persistence. The hub.
- ``guards``: guardrails as verdict data, policies, injection and PII scanners, redaction.
  Below the engine.
- ``traces``: the trace format, recording, replay, the OpenAI log importer, the pytest plugin.
  Built on the engine.
- ``offline``: intent grammars, slot parsers, the ``RulePlanner`` and the ``ScriptedChatModel``.
  Built on the engine's planner seam.

The names most programs need, by concept:

- running: ``Engine``, ``RunResult``, ``build_graph``, ``Runtime``, ``Budget``
- plans: ``Plan``, ``Step``, ``PlanLimits``, ``validate_plan``, ``parse_condition``
- planning: ``Planner``, ``LLMPlanner``, ``RulePlanner``, ``Grammar``, ``Intent``,
  ``Responder``, ``LLMResponder``, ``FunctionResponder``
- guardrails: ``Verdict``, ``Stage``, ``Action``, ``Guardrail`` and the built-ins in ``guards``
- real models: ``ModelError``, ``ModelRetry``, ``Price`` (docs/models.md)
- testing: ``ScriptedChatModel``
"""

from plangate.graphs.engine import (
    Budget,
    Engine,
    FunctionResponder,
    LLMPlanner,
    LLMResponder,
    ModelError,
    ModelRetry,
    Plan,
    PlanLimits,
    Planner,
    Price,
    Responder,
    RunResult,
    Runtime,
    Step,
    build_graph,
    parse_condition,
    validate_plan,
)
from plangate.graphs.guards import Action, Guardrail, Stage, Verdict
from plangate.graphs.offline import Grammar, Intent, RulePlanner, ScriptedChatModel

__all__ = [
    "Action",
    "Budget",
    "Engine",
    "FunctionResponder",
    "Grammar",
    "Guardrail",
    "Intent",
    "LLMPlanner",
    "LLMResponder",
    "ModelError",
    "ModelRetry",
    "Plan",
    "PlanLimits",
    "Planner",
    "Price",
    "Responder",
    "RulePlanner",
    "RunResult",
    "Runtime",
    "ScriptedChatModel",
    "Stage",
    "Step",
    "Verdict",
    "build_graph",
    "parse_condition",
    "validate_plan",
]
