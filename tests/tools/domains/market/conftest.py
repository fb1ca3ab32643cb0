"""Fixtures of the market tests: a fake clock during a session, the sandbox, and both backends."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from plangate.tools.clock import FakeClock
from plangate.tools.domains.market.backend import MarketDataBackend
from plangate.tools.domains.market.http import HttpMarketBackend
from plangate.tools.domains.market.routes import PREFIX, router
from plangate.tools.domains.market.sandbox import SandboxMarketBackend
from plangate.tools.domains.server import create_app, serve_in_thread

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
"""Monday 2 March 2026, 15:00 UTC: 10:00 in New York, half an hour into the session."""
SEED = 7


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def sandbox(clock: FakeClock) -> SandboxMarketBackend:
    return SandboxMarketBackend(seed=SEED, clock=clock)


@pytest.fixture
def reference(clock: FakeClock) -> SandboxMarketBackend:
    """A second sandbox with the same seed and clock: what every backend must answer."""
    return SandboxMarketBackend(seed=SEED, clock=clock)


@pytest.fixture(params=["sandbox", "http"])
async def market(
    request: pytest.FixtureRequest, sandbox: SandboxMarketBackend, clock: FakeClock
) -> AsyncIterator[MarketDataBackend]:
    """The in-process sandbox, and the HTTP backend talking to it over loopback."""
    if request.param == "sandbox":
        yield sandbox
        return
    with serve_in_thread(create_app([(PREFIX, router(sandbox))])) as url:
        backend = HttpMarketBackend(url + PREFIX, clock=clock)
        try:
            yield backend
        finally:
            await backend.aclose()
