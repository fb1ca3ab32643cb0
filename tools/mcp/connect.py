"""Where an MCP server is: a command to start (stdio), a URL (streamable HTTP), or a session.

``server_name`` says how the pins file and error messages name a server: its command line as
given, or its URL; a session already open has no such name, so the caller gives one.
``open_session`` opens (and afterwards closes) a ``ClientSession`` to it, initialized; a session
passed in is used as it is and left open.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import TextIO

import anyio
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

from plangate.tools.errors import PlangateError, UsageError
from plangate.tools.mcp.failures import TRANSPORT_ERRORS, connect_failed

McpServer = str | list[str] | tuple[str, ...] | ClientSession
"""A command line (``"python server.py"`` or its words), an ``http(s)://`` URL, or a session."""


def server_name(server: McpServer, name: str | None = None) -> str:
    """How the pins and messages name ``server``: ``name`` if given, else its command or URL.

    Raises:
        UsageError: an empty command, or an open session without a ``name``.
    """
    if name is not None:
        if not name.strip():
            raise UsageError("an MCP server's name must not be empty")
        return name
    if isinstance(server, ClientSession):
        raise UsageError(
            "Toolset.from_mcp(session) needs name=...: an open session has no command or URL to "
            "pin its tools under"
        )
    words = _words(server)
    return words[0] if is_url(words[0]) else shlex.join(words)


def is_url(text: str) -> bool:
    """Whether ``text`` names a streamable-HTTP server rather than a command."""
    return text.startswith(("http://", "https://"))


@asynccontextmanager
async def open_session(
    server: McpServer,
    *,
    name: str,
    env: Mapping[str, str] | None = None,
    cwd: Path | str | None = None,
    errlog: TextIO | None = None,
) -> AsyncIterator[ClientSession]:
    """An initialized session to ``server``, closed (and a started process stopped) at the end.

    Args:
        server: where the server is.
        name: its name, for errors.
        env: extra environment variables for a started server (on top of the SDK's safe
            default set: ``PATH``, ``HOME``...; the caller's secrets are not passed on).
        cwd: the folder a started server runs in.
        errlog: where a started server's stderr goes (``os.devnull`` by default, so a server's
            logs do not mix with the command's output).

    Raises:
        BackendError: the server cannot be started, reached or initialized.
    """
    if isinstance(server, ClientSession):
        yield server
        return
    words = _words(server)
    ready = False
    try:
        async with AsyncExitStack() as stack:
            try:
                if is_url(words[0]):
                    read, write, _session_id = await stack.enter_async_context(
                        streamable_http_client(words[0])
                    )
                else:
                    params = StdioServerParameters(
                        command=words[0], args=words[1:], env=dict(env or {}) or None, cwd=cwd
                    )
                    log = errlog or stack.enter_context(open(os.devnull, "w"))  # noqa: SIM115, ASYNC230
                    read, write = await stack.enter_async_context(stdio_client(params, errlog=log))
                session = await stack.enter_async_context(ClientSession(read, write))
                await session.initialize()
            except TRANSPORT_ERRORS as exc:
                raise connect_failed(name, exc) from exc
            except BaseExceptionGroup as group:
                raise connect_failed(name, group) from group
            ready = True
            yield session
    except BaseExceptionGroup as group:
        # The SDK's transports run in task groups, which wrap what the block raised (a refused
        # pin, a tool error) in a group on the way out: the caller gets the error itself. One
        # raised by a transport's own task before the session was ready (a refused connection)
        # is a server that cannot be reached.
        leaf = leaf_error(group)
        if not ready and not isinstance(leaf, PlangateError):
            raise connect_failed(name, leaf) from leaf
        raise leaf from None


def leaf_error(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """The error that matters in ``group``: a plangate error first, else the first non-cancel one."""
    leaves: list[BaseException] = []
    pending: list[BaseException] = [group]
    while pending:
        item = pending.pop(0)
        if isinstance(item, BaseExceptionGroup):
            pending[:0] = list(item.exceptions)
        else:
            leaves.append(item)
    for leaf in leaves:
        if isinstance(leaf, PlangateError):
            return leaf
    for leaf in leaves:
        if not isinstance(leaf, anyio.get_cancelled_exc_class()):
            return leaf
    return leaves[0] if leaves else group


def _words(server: McpServer) -> list[str]:
    if isinstance(server, ClientSession):  # pragma: no cover - callers check first
        raise UsageError("a session has no command line")
    if isinstance(server, str):
        try:
            words = shlex.split(server)
        except ValueError as exc:
            raise UsageError(f"MCP server command {server!r} cannot be parsed: {exc}") from exc
    else:
        words = list(server)
    if not words or not words[0].strip():
        raise UsageError("an MCP server needs a command to start or an http(s):// URL")
    return words
