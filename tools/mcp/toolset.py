"""``mcp_tools``: every tool of an MCP server as a plangate ``Tool`` (``Toolset.from_mcp`` uses it).

::

    async with Toolset.from_mcp("python weather_server.py") as toolset:
        agent = Agent(spec, toolset.merge(other_tools))
        ...

This module never imports the registry (which imports it): it yields the tools, and
``Toolset.from_mcp`` makes them a toolset.

A tool's arguments are checked against its ``inputSchema`` (``tool_from_json_schema``); its
effect comes from its annotations (``readOnlyHint: true`` → ``read``; ``destructiveHint`` or no
hint → ``write``, so approval policies gate it); its result is the text of the reply's content
blocks (structured content as JSON when there is no text), and untrusted
(``trusted_output=False``), so the guards treat it as data from outside, never as instructions.
Failures become plangate errors in one place (``plangate.tools.mcp.failures``).

Before any tool is offered, its definition is checked against its pin
(``plangate.tools.mcp.pins``): a server seen for the first time is pinned; a changed or new
definition is refused until a person approves it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any, TextIO

from mcp import ClientSession
from mcp import types as mcp_types

from plangate.tools.base import Tool, ToolContext
from plangate.tools.errors import PlangateError, UsageError
from plangate.tools.mcp.connect import McpServer, open_session, server_name
from plangate.tools.mcp.failures import TRANSPORT_ERRORS, call_failed, connect_failed, refused
from plangate.tools.mcp.pins import PinStore, canonical_definition
from plangate.tools.schema_tool import SchemaTool, tool_from_json_schema

APPROVE_HOW = (
    "plangate tools --mcp CMD --approve-changes, or Toolset.from_mcp(..., approve_changes=True)"
)


def mcp_tools(
    server: McpServer,
    *,
    name: str | None = None,
    pins: PinStore | Path | str | None = None,
    approve_changes: bool = False,
    timeout: float = 30.0,
    env: Mapping[str, str] | None = None,
    cwd: Path | str | None = None,
    errlog: TextIO | None = None,
) -> AbstractAsyncContextManager[list[Tool[Any]]]:
    """Open ``server`` and offer its tools while the block runs (in the order it lists them).

    Args:
        server: a command line to start (stdio), an ``http(s)://`` URL (streamable HTTP), or an
            initialized ``ClientSession`` (left open at the end).
        name: how the pins and messages name the server (default: its command line or URL;
            required for a session).
        pins: the pins file or store (default: ``mcp-pins.json`` in the state folder).
        approve_changes: a person has read the changes and approves them: pin the definitions
            as they are now instead of refusing.
        timeout: seconds one call may take.
        env: extra environment variables for a started server.
        cwd: the folder a started server runs in.
        errlog: where a started server's stderr goes (discarded by default).

    Raises:
        ToolDefinitionChangedError: a definition differs from its pin, or a tool is new.
        BackendError: the server cannot be started, reached or listed.
        UsageError: a tool's schema cannot be enforced, or two tools share a name.
    """
    label = server_name(server, name)
    store = pins if isinstance(pins, PinStore) else PinStore(pins)

    @asynccontextmanager
    async def opened() -> AsyncIterator[list[Tool[Any]]]:
        async with open_session(server, name=label, env=env, cwd=cwd, errlog=errlog) as session:
            listed = await list_all_tools(session, label)
            definitions = {item.name: definition_of(item) for item in listed}
            if approve_changes:
                store.approve(label, definitions)
            else:
                store.check(label, definitions, how=APPROVE_HOW)
            yield [mcp_tool(session, label, item, timeout=timeout) for item in listed]

    return opened()


async def list_all_tools(session: ClientSession, server: str) -> list[mcp_types.Tool]:
    """Every tool the server lists, following its pages.

    Raises:
        BackendError: the listing failed.
    """
    found: list[mcp_types.Tool] = []
    cursor: str | None = None
    try:
        while True:
            params = mcp_types.PaginatedRequestParams(cursor=cursor) if cursor else None
            page = await session.list_tools(params=params)
            found.extend(page.tools)
            cursor = page.nextCursor
            if not cursor:
                return found
    except TRANSPORT_ERRORS as exc:
        raise connect_failed(server, exc) from exc


def definition_of(item: mcp_types.Tool) -> dict[str, Any]:
    """What is pinned of a listed tool."""
    annotations = item.annotations.model_dump(exclude_none=True) if item.annotations else None
    return canonical_definition(item.name, item.description, item.inputSchema, annotations)


def mcp_tool(
    session: ClientSession, server: str, item: mcp_types.Tool, *, timeout: float = 30.0
) -> SchemaTool:
    """One listed tool as a plangate ``Tool`` that calls it through ``session``.

    Raises:
        UsageError: its schema uses a construct plangate cannot enforce (named).
    """
    annotations = item.annotations.model_dump(exclude_none=True) if item.annotations else None
    is_write = not (annotations or {}).get("readOnlyHint", False)

    async def call(args: dict[str, Any], ctx: ToolContext[Any]) -> str:
        try:
            result = await session.call_tool(item.name, args)
        except PlangateError:
            raise
        except TRANSPORT_ERRORS as exc:
            raise call_failed(server, item.name, exc, is_write=is_write) from exc
        text = result_text(result)
        if result.isError:
            raise refused(server, item.name, text)
        return text

    description = (item.description or "").strip() or item.title or item.name
    try:
        return tool_from_json_schema(
            name=item.name,
            description=description,
            parameters=item.inputSchema,
            fn=call,
            annotations=annotations,
            result_type=str,
            timeout=timeout,
        )
    except UsageError as exc:
        raise UsageError(f"MCP server {server}: {exc}") from exc


def result_text(result: mcp_types.CallToolResult) -> str:
    """The reply as text: its text blocks, other blocks described, else structured content."""
    parts: list[str] = []
    for block in result.content:
        if isinstance(block, mcp_types.TextContent):
            parts.append(block.text)
        elif isinstance(block, mcp_types.ImageContent | mcp_types.AudioContent):
            parts.append(f"[{block.type}: {block.mimeType}]")
        elif isinstance(block, mcp_types.ResourceLink):
            parts.append(f"[resource: {block.uri}]")
        elif isinstance(block, mcp_types.EmbeddedResource):
            resource = block.resource
            if isinstance(resource, mcp_types.TextResourceContents):
                parts.append(resource.text)
            else:
                parts.append(f"[resource: {resource.uri}]")
    if not parts and result.structuredContent is not None:
        parts.append(json.dumps(result.structuredContent, sort_keys=True, ensure_ascii=False))
    return "\n".join(parts)
