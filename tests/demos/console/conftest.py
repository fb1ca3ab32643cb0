"""Fixtures of the console's browser tests: a real server on loopback, a headless Chromium.

The server is ``create_app`` over the embedded store of a fresh state folder, with a
``FakeClock`` pinned to one moment (no test depends on the time of day), serving the two
assistants and a test agent whose wave holds two approvals (``wave_agent``), on a free loopback
port from a thread with its own event loop: one per test module. Its sandbox world has venues
in Porto whose name is markup and script, for the XSS test.

The browser is Debian's Chromium (``/usr/bin/chromium``), driven by Playwright for Python, one
per test module (the browser tests are one module). Not one per session: Playwright's sync API
keeps its event loop running in the main thread while it is open, and every asynchronous test
that ran after it would find that loop in its way. Without it the tests are skipped with a message saying how to install it;
when ``$CI`` is set they fail instead, so CI never passes by skipping them.
"""

from __future__ import annotations

import asyncio
import os
import socket
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from plangate.demos.cli.session import Session, open_workspace
from plangate.demos.serve.app import create_app
from plangate.demos.serve.catalog import resolve_agents
from plangate.demos.serve.local import LocalRunService
from plangate.tools.clock import FakeClock

CHROMIUM = Path("/usr/bin/chromium")
NOW = datetime.fromisoformat("2026-03-09T09:00:00+00:00")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "console"
"""Where the scenarios' screenshots go (CI keeps the folder; git ignores it)."""
HOSTILE_VENUE = (
    '<img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=2</script>Tasca'
)
"""The name of every Porto venue in the test server's world."""
HOSTILE_CITY = "Porto"
AGENTS = ("reservation", "trading", "tests.demos.console.wave_agent:SPEC")
"""The agents served: the two assistants, and one that asks for two approvals at once."""


def _plant_hostile_venues(backends: Any) -> None:
    """Rename the sandbox's Porto venues to markup and script (as a compromised listing would)."""
    restaurants = backends.restaurants
    venues = tuple(
        v.model_copy(update={"name": HOSTILE_VENUE}) if v.city == HOSTILE_CITY else v
        for v in restaurants.venues
    )
    restaurants.venues = venues
    restaurants._by_id = {venue.id: venue for venue in venues}  # the sandbox's own index


def _serve(
    root: Path,
    sock: socket.socket,
    ready: threading.Event,
    stop: threading.Event,
    token: str | None,
) -> None:
    async def main() -> None:
        session = Session(root)
        async with open_workspace(session, "sandbox", clock=FakeClock(NOW)) as workspace:
            _plant_hostile_venues(workspace.backends)
            service = LocalRunService(resolve_agents(AGENTS), workspace)
            try:
                app = create_app(service, token=token, wait_seconds=5)
                config = uvicorn.Config(app, log_level="critical", lifespan="off")
                server = uvicorn.Server(config)
                serving = asyncio.create_task(server.serve(sockets=[sock]))
                ready.set()  # the socket listens already: connections wait in its backlog
                await asyncio.to_thread(stop.wait, 600)
                server.should_exit = True
                await serving
            finally:
                await service.aclose()

    asyncio.run(main())


@pytest.fixture(scope="module")
def console_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The base URL of a server with the console, over a fresh state folder.

    A test module that sets ``TOKEN`` gets a server that requires that bearer token.
    """
    token = getattr(request.module, "TOKEN", None)
    root = tmp_path_factory.mktemp("console-state")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    ready, stop = threading.Event(), threading.Event()
    worker = threading.Thread(target=_serve, args=(root, sock, ready, stop, token), daemon=True)
    worker.start()
    try:
        assert ready.wait(30), "the console's server did not start within 30 s"
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        stop.set()
        worker.join(30)
        sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless Chromium for the module's tests."""
    if not CHROMIUM.exists():
        message = (
            f"the console's browser tests need Chromium at {CHROMIUM}: "
            "apt-get install -y chromium (Playwright's own browser download is not used)"
        )
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def artifacts() -> Path:
    """The screenshots' folder, made when missing."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
