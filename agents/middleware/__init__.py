"""plangate's guards as LangChain v1 agent middleware, for agents built with ``create_agent``.

- ``PlangateMiddleware``: tool-call and tool-result guardrails, approvals through LangGraph
  interrupts, provenance, budgets, the idempotency ledger around write tools, and trace records
  (``middleware``).
- ``current_idempotency_key``: the key a write tool sends its backend; ``Reconciler``: how a
  write is found again by that key (``writes``).
- ``default_guardrails``: what guards results and writes when no guardrails are given.

docs/langchain-middleware.md shows it end to end.
"""

from plangate.agents.middleware.approvals import UNTRUSTED_CONTROL
from plangate.agents.middleware.middleware import PlangateMiddleware, default_guardrails
from plangate.agents.middleware.writes import Reconciler, current_idempotency_key, write_key

__all__ = [
    "UNTRUSTED_CONTROL",
    "PlangateMiddleware",
    "Reconciler",
    "current_idempotency_key",
    "default_guardrails",
    "write_key",
]
