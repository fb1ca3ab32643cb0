"""The engine: how a run flows, from request to validated answer, on LangGraph.

The hub of ``plangate.graphs``: guards sit below it; traces and offline planning build on it.

- running: ``Engine``, ``RunResult``, ``build_graph``, ``Runtime``, ``Budget``
- plans: ``Plan``, ``Step``, ``PlanLimits``, ``validate_plan``, ``parse_condition``; fixed plans
  (workflows as code) from files: ``load_plan``, ``parse_plan``
- the planner seam: ``Planner``, ``PlanningContext``, ``LLMPlanner``, ``ReplanLimits``,
  ``PlanningError``, ``RequestNotUnderstoodError``, ``RequestRefusedError``
- quarantined extraction (untrusted text into typed fields by a tool-less model call):
  ``extraction_tool``, ``extract``
- the responder seam: ``Responder``, ``LLMResponder``, ``FunctionResponder``
- many runs in one process: ``GCPolicy``, ``SERVER_POLICY``, ``apply_gc_policy``,
  ``restore_gc_settings`` (the collector's settings of a server, see docs/performance.md)
- the model boundary: ``ModelError`` (and ``ModelOutputTruncatedError``, ``ModelRefusedError``),
  ``ModelRetry``, ``Price``, ``DEFAULT_PRICES``
"""

from plangate.graphs.engine.budget import Budget
from plangate.graphs.engine.build import Engine, RunResult, build_graph
from plangate.graphs.engine.conditions import parse_condition
from plangate.graphs.engine.gc_policy import (
    SERVER_POLICY,
    GCPolicy,
    apply_gc_policy,
    restore_gc_settings,
)
from plangate.graphs.engine.model_errors import (
    ModelError,
    ModelOutputTruncatedError,
    ModelRefusedError,
)
from plangate.graphs.engine.model_gate import ModelRetry
from plangate.graphs.engine.plan import Plan, PlanLimits, Step
from plangate.graphs.engine.plan_file import load_plan, parse_plan
from plangate.graphs.engine.planner import (
    LLMPlanner,
    Planner,
    PlanningContext,
    PlanningError,
    RequestNotUnderstoodError,
    RequestRefusedError,
)
from plangate.graphs.engine.prices import DEFAULT_PRICES, Price
from plangate.graphs.engine.quarantine import extract, extraction_tool
from plangate.graphs.engine.replan_context import ReplanLimits
from plangate.graphs.engine.responder import FunctionResponder, LLMResponder, Responder
from plangate.graphs.engine.runtime import Runtime
from plangate.graphs.engine.validation import validate_plan

__all__ = [
    "DEFAULT_PRICES",
    "SERVER_POLICY",
    "Budget",
    "Engine",
    "FunctionResponder",
    "GCPolicy",
    "LLMPlanner",
    "LLMResponder",
    "ModelError",
    "ModelOutputTruncatedError",
    "ModelRefusedError",
    "ModelRetry",
    "Plan",
    "PlanLimits",
    "Planner",
    "PlanningContext",
    "PlanningError",
    "Price",
    "ReplanLimits",
    "RequestNotUnderstoodError",
    "RequestRefusedError",
    "Responder",
    "RunResult",
    "Runtime",
    "Step",
    "apply_gc_policy",
    "build_graph",
    "extract",
    "extraction_tool",
    "load_plan",
    "parse_condition",
    "parse_plan",
    "restore_gc_settings",
    "validate_plan",
]
