"""Interop with LangChain tools, both ways. The only module of ``tools`` that imports langchain-core.

- ``to_langchain(tool, executor)``: a LangChain ``StructuredTool`` whose calls go through
  plangate's validation (and, given an executor, its retries and idempotency ledger).
- ``from_langchain(base_tool, effect=...)``: a plangate ``Tool`` wrapping any LangChain
  ``BaseTool``. Its effect is ``write`` unless declared ``read``: an unknown tool might act.
"""

from __future__ import annotations

import asyncio
from typing import Any

from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel

from plangate.tools.base import NO_RETRY, Effect, RetryPolicy, Tool, ToolContext
from plangate.tools.errors import ToolError, UsageError
from plangate.tools.executor import ToolExecutor
from plangate.tools.registry import Toolset
from plangate.tools.schema_tool import tool_from_json_schema


def to_langchain(
    tool: Tool[Any], executor: ToolExecutor | None = None, deps: Any = None
) -> BaseTool:
    """A LangChain tool that validates with, and calls through, plangate.

    Args:
        tool: the plangate tool.
        executor: runs the call (retries, ledger); one over ``tool`` alone is built if omitted.
        deps: the dependencies for the built executor (ignored when ``executor`` is given).

    Errors a model should see (bad arguments, refusals) come back as the tool's text output so
    an agent loop can correct itself; other errors propagate.
    """
    runner = executor or ToolExecutor(Toolset([tool], deps=deps))

    async def call(**kwargs: Any) -> Any:
        try:
            outcome = await runner.call(tool.name, kwargs)
        except ToolError as exc:
            if exc.model_visible:
                return f"error: {exc}"
            raise
        return outcome.result_json

    def call_sync(**kwargs: Any) -> Any:
        return asyncio.run(call(**kwargs))

    return StructuredTool(
        name=tool.name,
        description=tool.description,
        args_schema=tool.args_model,
        coroutine=call,
        func=call_sync,
    )


def from_langchain(
    base_tool: BaseTool,
    *,
    effect: Effect = "write",
    timeout: float = 30.0,
    retry: RetryPolicy = NO_RETRY,
) -> Tool[Any]:
    """A plangate tool that runs ``base_tool``.

    Raises:
        UsageError: ``base_tool`` is not a LangChain ``BaseTool`` or its schema is unsupported.
    """
    if not isinstance(base_tool, BaseTool):
        raise UsageError(
            f"from_langchain expects a LangChain BaseTool, got {type(base_tool).__name__}"
        )
    schema = base_tool.args_schema
    if isinstance(schema, type) and issubclass(schema, BaseModel):
        parameters = schema.model_json_schema()
    elif isinstance(schema, dict):
        parameters = dict(schema)
    else:
        parameters = base_tool.tool_call_schema.model_json_schema()  # type: ignore[union-attr]

    async def run(args: dict[str, Any], ctx: ToolContext[Any]) -> Any:
        return await base_tool.ainvoke(args)

    return tool_from_json_schema(
        name=base_tool.name,
        description=base_tool.description or base_tool.name,
        parameters=parameters,
        fn=run,
        effect=effect,
        timeout=timeout,
        retry=retry,
    )
