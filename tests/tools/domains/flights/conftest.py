"""Fixtures of the flights tests: a fake clock, the sandbox, and the REST server over it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from plangate.tools.clock import FakeClock
from plangate.tools.domains.flights.http import HttpFlightBackend
from plangate.tools.domains.flights.sandbox import SandboxFlightBackend

from .harness import World, serve


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sandbox(clock: FakeClock) -> SandboxFlightBackend:
    return SandboxFlightBackend(seed=0, clock=clock)


@pytest.fixture
def server_url(sandbox: SandboxFlightBackend) -> Iterator[str]:
    """The flights API over ``sandbox``, on loopback."""
    with serve(sandbox) as url:
        yield url


@pytest.fixture(params=["sandbox", "http"])
async def world(
    request: pytest.FixtureRequest, sandbox: SandboxFlightBackend, clock: FakeClock
) -> AsyncIterator[World]:
    """The contract suite's subject: the sandbox itself, or HTTP to the server over it."""
    if request.param == "sandbox":
        yield World(sandbox, sandbox, clock)
        return
    url = request.getfixturevalue("server_url")
    async with HttpFlightBackend(url, clock=FakeClock()) as client:
        yield World(client, sandbox, clock)
