"""plangate graphs: the LangGraph engine. The only package that imports langgraph.

The public API, by concept:

- running: ``Engine``, ``RunResult``, ``build_graph``, ``Runtime``, ``Budget``
- plans: ``Plan``, ``Step``, ``PlanLimits``, ``validate_plan``, ``parse_condition``
- planning: ``Planner``, ``LLMPlanner``, ``RulePlanner``, ``Grammar``, ``Intent``,
  ``Responder``, ``LLMResponder``, ``FunctionResponder``
- guardrails: ``Verdict``, ``Stage``, ``Action``, ``Guardrail``, the built-ins in
  ``graphs.policy``, ``graphs.pii`` and ``graphs.injection``
- testing: ``ScriptedChatModel``
"""

from graphs.budget import Budget
from graphs.build import Engine, RunResult, build_graph
from graphs.conditions import parse_condition
from graphs.grammar import Grammar, Intent
from graphs.guardrails import Action, Guardrail, Stage, Verdict
from graphs.plan import Plan, PlanLimits, Step
from graphs.planner import LLMPlanner, Planner, RulePlanner
from graphs.responder import FunctionResponder, LLMResponder, Responder
from graphs.runtime import Runtime
from graphs.scripted import ScriptedChatModel
from graphs.validation import validate_plan

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
    "Plan",
    "PlanLimits",
    "Planner",
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
