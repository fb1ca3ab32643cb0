"""Fault plans through the sandbox market: each fault raises its declared error; retries heal."""

from __future__ import annotations

import pytest

from plangate.tools.clock import FakeClock
from plangate.tools.domains.market.sandbox import SandboxMarketBackend
from plangate.tools.domains.market.tools import TOOLS
from plangate.tools.errors import (
    BackendError,
    MalformedResponseError,
    RateLimitedError,
    ToolError,
    ToolTimeoutError,
)
from plangate.tools.executor import ToolExecutor
from plangate.tools.faults import Fault, FaultPlan
from plangate.tools.registry import Toolset


def always(fault: Fault) -> FaultPlan:
    return FaultPlan(rates={fault: 1.0})


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.TIMEOUT, ToolTimeoutError),
        (Fault.RATE_LIMIT, RateLimitedError),
        (Fault.SERVER_ERROR, BackendError),
        (Fault.MALFORMED, MalformedResponseError),
    ],
)
async def test_each_read_fault_raises_its_error(
    clock: FakeClock, fault: Fault, error: type[ToolError]
) -> None:
    market = SandboxMarketBackend(clock=clock, faults=always(fault))
    for call in (
        lambda: market.latest_quote("AAPL"),
        lambda: market.bars("AAPL"),
        lambda: market.market_clock(),
        lambda: market.is_market_open(),
    ):
        with pytest.raises(error):
            await call()
    assert {f for _, f in market.faults.injected} == {fault}
    assert {op for op, _ in market.faults.injected} == {
        "latest_quote",
        "bars",
        "market_clock",
        "is_market_open",
    }


async def test_server_error_is_a_retryable_503(clock: FakeClock) -> None:
    market = SandboxMarketBackend(clock=clock, faults=always(Fault.SERVER_ERROR))
    with pytest.raises(BackendError) as info:
        await market.latest_quote("AAPL")
    assert (info.value.status, info.value.retryable) == (503, True)


async def test_reply_lost_never_strikes_a_read(clock: FakeClock) -> None:
    market = SandboxMarketBackend(clock=clock, faults=always(Fault.REPLY_LOST))
    assert (await market.latest_quote("AAPL")).symbol == "AAPL"


async def test_latency_is_slept_on_the_clock(clock: FakeClock) -> None:
    market = SandboxMarketBackend(clock=clock, faults=FaultPlan(latency_ms=250))
    await market.latest_quote("AAPL")
    await market.bars("AAPL", limit=1)
    assert clock.sleeps == [0.25, 0.25]


async def test_faults_can_target_one_operation(clock: FakeClock) -> None:
    plan = FaultPlan(rates={Fault.TIMEOUT: 1.0}, only=frozenset({"bars"}))
    market = SandboxMarketBackend(clock=clock, faults=plan)
    assert await market.latest_quote("KO")
    with pytest.raises(ToolTimeoutError):
        await market.bars("KO")


async def test_the_executor_retries_transient_faults_until_the_data_arrives(
    clock: FakeClock,
) -> None:
    # Half of all calls fail: with three attempts per tool call, some calls need a retry.
    plan = FaultPlan(
        seed=3, rates={Fault.RATE_LIMIT: 0.25, Fault.SERVER_ERROR: 0.25}, retry_after=2.0
    )
    market = SandboxMarketBackend(clock=clock, faults=plan)
    clean = SandboxMarketBackend(clock=clock)
    executor = ToolExecutor(Toolset(TOOLS, deps=market), clock=clock)
    retried = 0
    for symbol in ("AAPL", "MSFT", "KO", "SPY", "XOM", "JPM"):
        try:
            out = await executor.call("get_quote", {"symbol": symbol})
        except (RateLimitedError, BackendError):
            continue  # three faults in a row: the error reaches the caller, typed
        assert out.result == await clean.latest_quote(symbol)
        retried += out.attempts > 1
    assert retried >= 1
    assert 2.0 in clock.sleeps  # a rate limit's Retry-After was honoured
