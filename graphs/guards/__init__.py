"""Guards: guardrails as verdict data, and the built-in policies, scanners and redaction.

Below the engine: guards know tools, never the engine that consults them.

- verdicts: ``Verdict``, ``Stage``, ``Action``, ``Guardrail``, ``guardrail_from_function``
- policies (``policy``): ``PolicyRules``, ``Rule``, ``Check``, ``MaxLength``, ``ToolAllowList``,
  ``ApproveWrites``, ``TaintedWriteApproval``
- provenance: ``UntrustedWriteApproval``, ``UntrustedWriteRefusal`` (``sinks``: the sink
  policies write tools declare) over the labels of ``labels`` (``CallProvenance``)
- text scanners: ``PromptInjection`` (``injection``), ``PIIRedaction`` (``pii``)
- secrets and PII kept out of traces: ``Redactor`` (``redaction``)
"""

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
from plangate.graphs.guards.sinks import UntrustedWriteApproval, UntrustedWriteRefusal

__all__ = [
    "Action",
    "ApproveWrites",
    "CallProvenance",
    "Check",
    "Guardrail",
    "MaxLength",
    "PIIRedaction",
    "PolicyRules",
    "PromptInjection",
    "Redactor",
    "Rule",
    "Stage",
    "TaintedWriteApproval",
    "ToolAllowList",
    "UntrustedWriteApproval",
    "UntrustedWriteRefusal",
    "Verdict",
    "guardrail_from_function",
]
