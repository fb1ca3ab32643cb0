"""Fixtures of the broker tests: a fake clock during a session, a market, and both brokers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from plangate.tools.clock import FakeClock
from plangate.tools.domains.broker.backend import BrokerBackend
from plangate.tools.domains.broker.http import HttpBrokerBackend
from plangate.tools.domains.broker.routes import PREFIX, router
from plangate.tools.domains.broker.sandbox import SandboxBrokerBackend
from plangate.tools.domains.market.sandbox import SandboxMarketBackend
from plangate.tools.domains.server import create_app, serve_in_thread

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
"""Monday 2 March 2026, 15:00 UTC: 10:00 in New York, half an hour into the session."""


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def market(clock: FakeClock) -> SandboxMarketBackend:
    return SandboxMarketBackend(seed=7, clock=clock)


@pytest.fixture
def broker(market: SandboxMarketBackend) -> SandboxBrokerBackend:
    return SandboxBrokerBackend(market, starting_cash=100_000, seed=7)


@pytest.fixture(params=["sandbox", "http"])
async def backend(
    request: pytest.FixtureRequest, broker: SandboxBrokerBackend, clock: FakeClock
) -> AsyncIterator[BrokerBackend]:
    """The paper broker in process, and the HTTP backend talking to it over loopback."""
    if request.param == "sandbox":
        yield broker
        return
    with serve_in_thread(create_app([(PREFIX, router(broker))])) as url:
        client = HttpBrokerBackend(url + PREFIX, clock=clock)
        try:
            yield client
        finally:
            await client.aclose()
