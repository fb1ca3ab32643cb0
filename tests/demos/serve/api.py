"""What the API tests share: a server over a fresh state folder, a client, an SSE parser.

The server serves the ``tables`` test agent by reference (``tests.demos.cli_agent:SPEC``) and the
reservation assistant by name, at a pinned moment, so no test depends on the time of day.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from plangate.demos.serve.app import create_app
from plangate.demos.serve.catalog import resolve_agents
from plangate.demos.serve.local import LocalRunService, local_service
from plangate.graphs.engine.events import Event, RunStarted
from plangate.tools.clock import Clock, PinnedClock

NOW = datetime.fromisoformat("2026-03-09T09:00:00+00:00")
BOOK = "book a table for 2 in Lisbon"
FIND = "find a table for 2 in Lisbon"
TABLES = "tests.demos.cli_agent:SPEC"


@dataclass(frozen=True)
class Server:
    """A running in-process server: its service and an httpx client talking to it."""

    service: LocalRunService
    http: httpx.AsyncClient
    transport: httpx.ASGITransport


@asynccontextmanager
async def serve(
    root: Path, *, token: str | None = None, max_body: int = 4096, clock: Clock | None = None
) -> AsyncIterator[Server]:
    """An API over a ``LocalRunService`` in ``root``, and a client of it.

    The service runs on ``clock``: by default one pinned at ``NOW`` (time moves on from it);
    a ``FakeClock`` when a test must say what time each change is stamped with.
    """
    specs = resolve_agents([TABLES, "reservation"])
    async with local_service(root, specs, clock=clock or PinnedClock(NOW)) as service:
        app = create_app(service, token=token, max_body=max_body, wait_seconds=5)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://test", timeout=5
        ) as http:
            yield Server(service, http, transport)


def _serve(
    root: Path,
    threads: list[str],
    sock: socket.socket,
    ready: threading.Event,
    stop: threading.Event,
) -> None:
    async def main() -> None:
        specs = resolve_agents([TABLES])
        async with local_service(root, specs, clock=PinnedClock(NOW)) as service:
            for thread_id in threads:
                await service.create_thread(thread_id)
            app = create_app(service, max_body=4096, wait_seconds=2)
            server = uvicorn.Server(uvicorn.Config(app, log_level="critical", lifespan="off"))
            serving = asyncio.create_task(server.serve(sockets=[sock]))
            ready.set()  # the socket listens already: connections wait in its backlog
            await asyncio.to_thread(stop.wait, 120)
            server.should_exit = True
            await serving

    asyncio.run(main())


@contextmanager
def loopback(root: Path, threads: list[str] = []) -> Iterator[str]:  # noqa: B006 (never changed)
    """A real server on a free loopback port, in a thread with its own event loop: its URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    ready, stop = threading.Event(), threading.Event()
    worker = threading.Thread(target=_serve, args=(root, threads, sock, ready, stop), daemon=True)
    worker.start()
    try:
        assert ready.wait(10), "the server did not start within 10 s"
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        stop.set()
        worker.join(10)
        sock.close()


def parse_sse(text: str) -> list[dict[str, Any]]:
    """The messages of an SSE body: ``{"id": int | None, "event": str, "data": Any}``."""
    messages = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        event_id = fields.get("id")
        messages.append(
            {
                "id": int(event_id) if event_id is not None else None,
                "event": fields["event"],
                "data": json.loads(fields["data"]),
            }
        )
    return messages


class Gate:
    """Holds a run after its first event until ``open()``: a run that is busy for as long as a
    test needs, whatever the machine's speed."""

    def __init__(self, service: LocalRunService, agent: str) -> None:
        self.opened = asyncio.Event()
        self.agent = service.agent(agent)
        self.real = self.agent.stream

    def install(self) -> None:
        """Make the agent's next runs wait at the gate."""

        async def held(request: str, *, thread_id: str | None = None) -> AsyncIterator[Event]:
            yield RunStarted(thread_id=thread_id or "", request=request)
            await asyncio.wait_for(self.opened.wait(), 5)
            async for event in self.real(request, thread_id=thread_id):
                if event.kind != "run_started":
                    yield event

        self.agent.stream = held  # type: ignore[method-assign]

    def open(self) -> None:
        """Let the held runs go on."""
        self.opened.set()
