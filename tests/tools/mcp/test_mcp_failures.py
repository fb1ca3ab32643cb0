"""What goes wrong with an MCP server, as plangate errors (plangate.tools.mcp.failures)."""

from __future__ import annotations

import anyio
import httpx
from mcp.shared.exceptions import McpError
from mcp.types import INTERNAL_ERROR, INVALID_PARAMS, ErrorData

from plangate.tools.errors import BackendError, OutcomeUnknownError, ToolArgsError
from plangate.tools.mcp.failures import call_failed, describe


def test_invalid_params_is_an_args_error_the_model_sees() -> None:
    error = McpError(ErrorData(code=INVALID_PARAMS, message="city is required"))
    mapped = call_failed("weather", "forecast", error, is_write=False)
    assert isinstance(mapped, ToolArgsError)
    assert mapped.model_visible
    assert "city is required" in str(mapped)


def test_a_broken_pipe_during_a_write_leaves_its_outcome_unknown() -> None:
    mapped = call_failed("shop", "order", anyio.BrokenResourceError(), is_write=True)
    assert isinstance(mapped, OutcomeUnknownError)
    assert not mapped.retryable
    assert mapped.service == "shop"


def test_a_read_that_lost_its_server_may_be_retried_but_a_server_error_not() -> None:
    lost = call_failed("weather", "forecast", anyio.ClosedResourceError(), is_write=False)
    assert isinstance(lost, BackendError)
    assert lost.retryable
    answered = McpError(ErrorData(code=INTERNAL_ERROR, message="boom"))
    refused = call_failed("weather", "forecast", answered, is_write=False)
    assert not refused.retryable
    assert "MCP error -32603: boom" in str(refused)


def test_http_status_is_kept_and_groups_are_described_by_their_cause() -> None:
    request = httpx.Request("POST", "http://127.0.0.1:1/mcp")
    failure = httpx.HTTPStatusError(
        "503", request=request, response=httpx.Response(503, request=request)
    )
    mapped = call_failed("weather", "forecast", failure, is_write=False)
    assert isinstance(mapped, BackendError)
    assert mapped.status == 503
    group = ExceptionGroup("task group", [ConnectionRefusedError("refused")])
    assert describe(group) == "ConnectionRefusedError: refused"
