"""The one place where what goes wrong with an MCP server becomes plangate's error tree.

- a result with ``isError: true``: the tool ran and said no; the model reads its text and may
  change the call (``ToolRefusedError``, model-visible);
- a JSON-RPC error ``-32602`` (invalid params): ``ToolArgsError``, model-visible too;
- any other protocol error, a server that exits, a closed pipe, an HTTP failure: the service
  failed (``BackendError``, retryable for a read). For a write the request may have reached the
  server before the failure, so its outcome is unknown (``OutcomeUnknownError``): it is never
  sent again blindly (the ledger asks before it retries).
"""

from __future__ import annotations

import anyio
import httpx
from mcp.shared.exceptions import McpError
from mcp.types import INVALID_PARAMS

from plangate.tools.errors import (
    BackendError,
    OutcomeUnknownError,
    PlangateError,
    ToolArgsError,
    ToolError,
    ToolRefusedError,
)

TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (
    McpError,
    anyio.ClosedResourceError,
    anyio.BrokenResourceError,
    anyio.EndOfStream,
    httpx.HTTPError,
    OSError,
)
"""What a call to a session may raise when the server or the way to it fails."""


def refused(server: str, tool: str, text: str) -> ToolRefusedError:
    """An ``isError`` result: the tool's own words, for the model."""
    return ToolRefusedError(
        f"{tool} (MCP server {server}) reported an error: {text or '(no text)'}",
        tool=tool,
        reason="mcp_tool_error",
    )


def call_failed(server: str, tool: str, exc: BaseException, *, is_write: bool) -> ToolError:
    """``exc``, raised while calling ``tool`` on ``server``, as a plangate error."""
    if isinstance(exc, PlangateError):
        return (
            exc if isinstance(exc, ToolError) else BackendError(str(exc), service=server, tool=tool)
        )
    if isinstance(exc, McpError) and exc.error.code == INVALID_PARAMS:
        return ToolArgsError(
            f"{tool}: the MCP server {server} rejected the arguments: {exc.error.message}",
            tool=tool,
            errors=[("(root)", exc.error.message)],
        )
    what = describe(exc)
    if is_write:
        return OutcomeUnknownError(
            f"{tool}: the MCP server {server} failed during a write ({what}); whether it took "
            "effect is unknown",
            service=server,
            tool=tool,
        )
    status = None
    if isinstance(exc, httpx.HTTPStatusError):
        status = exc.response.status_code
    return BackendError(
        f"{tool}: the MCP server {server} failed ({what})",
        service=server,
        status=status,
        tool=tool,
        retryable=not isinstance(exc, McpError),
    )


def connect_failed(server: str, exc: BaseException) -> BackendError:
    """The server could not be started, reached or listed."""
    return BackendError(
        f"cannot use the MCP server {server}: {describe(exc)}", service=server, retryable=False
    )


def describe(exc: BaseException) -> str:
    """A one-line account of ``exc``, the innermost cause of an exception group included."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    if isinstance(exc, McpError):
        return f"MCP error {exc.error.code}: {exc.error.message}"
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
