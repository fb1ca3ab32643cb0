"""The server the docs' client examples talk to: ``plangate serve``'s app over a fresh state folder,
on a free loopback port, in a thread with its own event loop.

The examples name the address ``plangate serve`` listens on by default, :data:`SERVE_URL`; the
test runs them against this server instead, its address put in place of that one. Its sandbox
runs at a pinned moment, so what an example books does not depend on the time of day.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import uvicorn

from plangate.demos.serve.app import create_app
from plangate.demos.serve.catalog import resolve_agents
from plangate.demos.serve.local import local_service
from plangate.tools.clock import PinnedClock

SERVE_URL = "http://127.0.0.1:8000"
"""Where ``plangate serve`` listens unless told otherwise: the address the examples name."""

NOW = datetime.fromisoformat("2026-03-09T09:00:00+00:00")
AGENTS = ("reservation", "trading")


def _serve(root: Path, sock: socket.socket, ready: threading.Event, stop: threading.Event) -> None:
    async def main() -> None:
        async with local_service(
            root, resolve_agents(list(AGENTS)), clock=PinnedClock(NOW)
        ) as runs:
            app = create_app(runs, wait_seconds=30)
            server = uvicorn.Server(uvicorn.Config(app, log_level="critical", lifespan="off"))
            serving = asyncio.create_task(server.serve(sockets=[sock]))
            ready.set()  # the socket listens already: connections wait in its backlog
            await asyncio.to_thread(stop.wait, 300)
            server.should_exit = True
            await serving

    asyncio.run(main())


@contextmanager
def loopback_server(root: Path) -> Iterator[str]:
    """A running server over the state folder ``root``: its URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    ready, stop = threading.Event(), threading.Event()
    worker = threading.Thread(target=_serve, args=(root, sock, ready, stop), daemon=True)
    worker.start()
    try:
        assert ready.wait(30), "the server did not start within 30 s"
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        stop.set()
        worker.join(30)
        sock.close()
