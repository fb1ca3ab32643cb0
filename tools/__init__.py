"""plangate tools: typed tools, their registry, the idempotency ledger and backends.

This package knows nothing of LangGraph; langchain-core appears only in interop adapters
(``tools.langchain_adapter`` for tools, ``tools.retrieval.retriever`` for retrievers).
"""

from tools.base import RetryPolicy, Tool, ToolContext, tool
from tools.clock import Clock, FakeClock, SystemClock
from tools.errors import (
    BackendError,
    PlangateError,
    ToolArgsError,
    ToolError,
    ToolRefusedError,
    ToolTimeoutError,
    UsageError,
)
from tools.registry import Toolset
from tools.schema import anthropic_tool, openai_tool

__all__ = [
    "BackendError",
    "Clock",
    "FakeClock",
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
