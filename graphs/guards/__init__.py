"""Guards: guardrails as verdict data, and the built-in policies, scanners and redaction.

Below the engine: guards know tools, never the engine that consults them.

- verdicts: ``Verdict``, ``Stage``, ``Action``, ``Guardrail``, ``guardrail_from_function``
- policies (``policy``): ``PolicyRules``, ``Rule``, ``Check``, ``MaxLength``, ``ToolAllowList``,
  ``ApproveWrites``, ``TaintedWriteApproval``
- business rules (``business_rules``, terms in ``rule_terms``/``rule_lookups``/``rule_measures``,
  checks in ``rule_checks``, files in ``rule_files``): ``BusinessRule``, ``BusinessRules``,
  ``Arg``, ``Const``, ``Var``, ``Item``, ``Lookup``, ``Length``, ``Sum``, ``Now``, ``Today``,
  ``days``, ``hours``, ``Arith``, ``Compare``, ``Matches``, ``StartsWith``, ``In``, ``Present``,
  ``AllOf``, ``AnyOf``, ``Not``, ``load_rules``, ``dump_rules``, ``rules_from_data``
- provenance: ``UntrustedWriteApproval``, ``UntrustedWriteRefusal`` (``sinks``: the sink
  policies write tools declare) over the labels of ``labels`` (``CallProvenance``)
- text scanners: ``PromptInjection`` (``injection``), ``PIIRedaction`` (``pii``)
- secrets and PII kept out of traces: ``Redactor`` (``redaction``)
"""

from plangate.graphs.guards.business_rules import BusinessRule, BusinessRules
from plangate.graphs.guards.guardrails import (
    Action,
    Guardrail,
    Stage,
    Verdict,
    guardrail_from_function,
)
from plangate.graphs.guards.injection import PromptInjection
from plangate.graphs.guards.labels import CallProvenance
from plangate.graphs.guards.pii import PIIRedaction
from plangate.graphs.guards.policy import (
    ApproveWrites,
    Check,
    MaxLength,
    PolicyRules,
    Rule,
    TaintedWriteApproval,
    ToolAllowList,
)
from plangate.graphs.guards.redaction import Redactor
from plangate.graphs.guards.result_labels import ResultLabel, StepLabels, labels_of
from plangate.graphs.guards.rule_checks import (
    AllOf,
    AnyOf,
    Compare,
    In,
    Matches,
    Not,
    Present,
    StartsWith,
)
from plangate.graphs.guards.rule_files import dump_rules, load_rules, rules_from_data
from plangate.graphs.guards.rule_lookups import Lookup
from plangate.graphs.guards.rule_measures import Arith, Length, Now, Sum, Today, days, hours
from plangate.graphs.guards.rule_terms import Arg, Const, Item, Var
from plangate.graphs.guards.sinks import UntrustedWriteApproval, UntrustedWriteRefusal

__all__ = [
    "Action",
    "AllOf",
    "AnyOf",
    "ApproveWrites",
    "Arg",
    "Arith",
    "BusinessRule",
    "BusinessRules",
    "CallProvenance",
    "Check",
    "Compare",
    "Const",
    "Guardrail",
    "In",
    "Item",
    "Length",
    "Lookup",
    "Matches",
    "MaxLength",
    "Not",
    "Now",
    "PIIRedaction",
    "PolicyRules",
    "Present",
    "PromptInjection",
    "Redactor",
    "ResultLabel",
    "Rule",
    "Stage",
    "StartsWith",
    "StepLabels",
    "Sum",
    "TaintedWriteApproval",
    "Today",
    "ToolAllowList",
    "UntrustedWriteApproval",
    "UntrustedWriteRefusal",
    "Var",
    "Verdict",
    "days",
    "dump_rules",
    "guardrail_from_function",
    "hours",
    "labels_of",
    "load_rules",
    "rules_from_data",
]
