"""plangate tools: the tool core — typed tools, their registry, the ledger, the executor.

The framework lives here, at the top of the package: ``errors`` (the one error tree), ``base``
(``Tool``, ``@tool``, ``ToolContext``), ``registry`` (``Toolset``), ``schema`` and ``schema_tool``
(JSON-schema export and import), ``executor``, ``ledger`` and ``ledger_sqlite`` (writes that never
happen twice), ``http`` (the HTTP backend base), ``faults`` (fault injection), ``clock`` and
``money``. The six bundled domains — examples built on the core — live apart in ``domains``.

This package knows nothing of LangGraph; langchain-core appears only in interop adapters
(``plangate.tools.langchain_adapter`` for tools, ``plangate.tools.domains.retrieval.retriever``
for retrievers).
"""

from plangate.tools.base import RetryPolicy, Tool, ToolContext, tool
from plangate.tools.clock import Clock, FakeClock, PinnedClock, SystemClock
from plangate.tools.errors import (
    BackendError,
    PlangateError,
    ToolArgsError,
    ToolError,
    ToolRefusedError,
    ToolTimeoutError,
    UsageError,
)
from plangate.tools.registry import Toolset
from plangate.tools.schema import anthropic_tool, openai_tool

__all__ = [
    "BackendError",
    "Clock",
    "FakeClock",
    "PinnedClock",
    "PlangateError",
    "RetryPolicy",
    "SystemClock",
    "Tool",
    "ToolArgsError",
    "ToolContext",
    "ToolError",
    "ToolRefusedError",
    "ToolTimeoutError",
    "Toolset",
    "UsageError",
    "anthropic_tool",
    "openai_tool",
    "tool",
]
