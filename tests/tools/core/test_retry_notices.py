"""Bounded, announced retries: a dead backend fails once, as a BackendError, after N attempts."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
import respx
from pydantic import BaseModel

from plangate.tools.base import RetryPolicy, ToolContext, tool
from plangate.tools.clock import FakeClock
from plangate.tools.errors import BackendError, RateLimitedError
from plangate.tools.executor import ToolExecutor
from plangate.tools.http import HttpBackend
from plangate.tools.registry import Toolset
from plangate.tools.retrying import RetryNotice, announce, failure_reason, listening

BASE = "http://market.test/v1"


class Quote(BaseModel):
    symbol: str
    price: float


class MarketApi(HttpBackend):
    SERVICE = "market"


@tool(effect="read")
async def get_quote(symbol: str, ctx: ToolContext[MarketApi]) -> Quote:
    """The last price of a symbol."""
    return await ctx.deps.get_json(f"/quotes/{symbol}", Quote)


def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 2, 15, 0, tzinfo=UTC))


@respx.mock
async def test_a_dead_backend_fails_once_after_its_own_attempts_and_says_so_each_time() -> None:
    route = respx.get(f"{BASE}/quotes/AAPL").mock(side_effect=httpx.ConnectError("refused"))
    fake = clock()
    api = MarketApi(BASE, clock=fake)  # the default policy: 4 attempts
    executor = ToolExecutor(Toolset([get_quote], deps=api), clock=fake)
    heard: list[RetryNotice] = []
    with pytest.raises(BackendError) as info:
        await executor.call("get_quote", {"symbol": "AAPL"}, on_retry=heard.append)
    # The executor does not retry what the HTTP layer already retried: 4 requests, not 4 x 3.
    assert route.call_count == 4
    assert (info.value.service, info.value.status, info.value.attempts) == ("market", None, 4)
    assert info.value.tool == "get_quote"
    assert [(n.attempt, n.max_attempts) for n in heard] == [(2, 4), (3, 4), (4, 4)]
    assert {(n.tool, n.service, n.reason) for n in heard} == {
        ("get_quote", "market", "unreachable")
    }
    assert [n.delay for n in heard] == fake.sleeps  # announced before each wait, on the clock
    await api.aclose()


@pytest.mark.parametrize("seed", range(8))
@respx.mock
async def test_the_default_retries_wait_a_few_seconds_at_most(seed: int) -> None:
    respx.get(f"{BASE}/quotes/AAPL").respond(503, json={"error": {"message": "down"}})
    fake = clock()
    api = MarketApi(BASE, clock=fake, seed=seed)
    with pytest.raises(BackendError, match="HTTP 503"):
        await api.get_json("/quotes/AAPL", Quote)
    assert len(fake.sleeps) == 3
    assert sum(fake.sleeps) <= 1.75
    await api.aclose()


@respx.mock
async def test_a_retry_after_beyond_the_bound_ends_the_retries_at_once() -> None:
    route = respx.get(f"{BASE}/quotes/AAPL").respond(429, headers={"Retry-After": "3600"})
    fake = clock()
    api = MarketApi(BASE, clock=fake, max_wait=15.0)
    with pytest.raises(RateLimitedError) as info:
        await api.get_json("/quotes/AAPL", Quote)
    assert info.value.retry_after == 3600.0
    assert route.call_count == 1
    assert fake.sleeps == []  # nobody waits an hour
    await api.aclose()


class Flaky:
    """A non-HTTP backend down for its first ``failures`` calls."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0

    async def quote(self) -> float:
        self.calls += 1
        if self.calls <= self.failures:
            raise BackendError("broker: HTTP 503 (injected)", service="broker", status=503)
        return 101.5


@tool(effect="read", retry=RetryPolicy(max_attempts=3, initial_delay=0.5, jitter=0.0))
async def account_value(ctx: ToolContext[Flaky]) -> float:
    """The account's value."""
    return await ctx.deps.quote()


async def test_the_executor_announces_its_own_retries_to_an_enclosing_listener() -> None:
    fake = clock()
    executor = ToolExecutor(Toolset([account_value], deps=Flaky(failures=2)), clock=fake)
    heard: list[RetryNotice] = []
    with listening(heard.append):
        outcome = await executor.call("account_value", {})
    assert (outcome.result, outcome.attempts) == (101.5, 3)
    assert [(n.tool, n.service, n.attempt, n.delay) for n in heard] == [
        ("account_value", "broker", 2, 0.5),
        ("account_value", "broker", 3, 1.0),
    ]
    with pytest.raises(BackendError) as info:
        await ToolExecutor(Toolset([account_value], deps=Flaky(failures=9)), clock=fake).call(
            "account_value", {}
        )
    assert info.value.attempts == 3


async def test_the_executor_never_waits_past_its_bound() -> None:
    fake = clock()
    executor = ToolExecutor(Toolset([account_value], deps=Flaky(failures=9)), clock=fake)
    executor.max_wait = 0.6
    with pytest.raises(BackendError):
        await executor.call("account_value", {})
    assert fake.sleeps == [0.5]


def test_notices_go_only_to_the_listener_of_the_block() -> None:
    heard: list[RetryNotice] = []
    notice = RetryNotice(attempt=2, max_attempts=3, delay=0.1, reason="unreachable")
    announce(notice)  # nobody listens: nothing happens
    with listening(heard.append):
        announce(notice)
    announce(notice)
    assert heard == [notice]


def test_failure_reasons_are_a_few_words() -> None:
    assert failure_reason(BackendError("x", service="s")) == "unreachable"
    assert failure_reason(BackendError("x", service="s", status=502)) == "answered HTTP 502"
    assert failure_reason(RateLimitedError("x", service="s")) == "rate limited (429)"
