"""Toolset.from_mcp over streamable HTTP: a FastMCP server on a loopback socket the test binds."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import uvicorn

from plangate.tools.errors import BackendError
from plangate.tools.executor import ToolExecutor
from plangate.tools.mcp import ToolDefinitionChangedError
from plangate.tools.registry import Toolset
from tests.tools.mcp.servers import POISONED, weather_server


@asynccontextmanager
async def serving(description: str | None = None) -> AsyncIterator[str]:
    """The weather server's streamable-HTTP endpoint, on a socket bound before it serves.

    Bound first, so a client's connection waits in the backlog instead of the test waiting for
    the server to start.
    """
    server = weather_server(description) if description else weather_server()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    port = listener.getsockname()[1]
    config = uvicorn.Config(server.streamable_http_app(), log_level="critical", lifespan="on")
    runner = uvicorn.Server(config)
    task = asyncio.create_task(runner.serve(sockets=[listener]))
    try:
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        runner.should_exit = True
        await task
        listener.close()


async def test_a_url_is_listed_called_and_pinned(tmp_path: Path) -> None:
    pins = tmp_path / "pins.json"
    async with serving() as url, Toolset.from_mcp(url, pins=pins):
        pass
    assert url in pins.read_text()  # unnamed, a server is pinned under its URL
    # Each server gets a port of its own, so the test names the server as a user would.
    async with serving() as url, Toolset.from_mcp(url, name="weather", pins=pins) as toolset:
        assert toolset.names == ["weather", "book", "broken"]
        outcome = await ToolExecutor(toolset).call("weather", {"city": "Faro"})
        assert outcome.result == "Faro: 21 C, clear"
    async with serving(POISONED) as url:
        with pytest.raises(ToolDefinitionChangedError, match="weather \\(changed\\)"):
            async with Toolset.from_mcp(url, name="weather", pins=pins):
                pass


async def test_a_url_nobody_serves_is_a_backend_error(tmp_path: Path) -> None:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()  # nothing listens there now
    with pytest.raises(BackendError, match="cannot use the MCP server"):
        async with Toolset.from_mcp(f"http://127.0.0.1:{port}/mcp", pins=tmp_path / "p.json"):
            pass
