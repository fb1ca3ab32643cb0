"""Fault plans are deterministic, and each fault raises its declared error."""

from __future__ import annotations

import pytest

from plangate.tools.clock import FakeClock
from plangate.tools.errors import (
    BackendError,
    MalformedResponseError,
    OutcomeUnknownError,
    RateLimitedError,
    ToolTimeoutError,
    UsageError,
)
from plangate.tools.faults import Fault, FaultInjector, FaultPlan


def test_decisions_depend_only_on_seed_operation_key_and_attempt() -> None:
    plan = FaultPlan.uniform(0.5, seed=7)
    calls = [(f"op{n % 3}", f"k{n}", 1 + n % 2) for n in range(200)]
    first = [plan.decide(op, key, attempt, "read") for op, key, attempt in calls]
    second = [plan.decide(op, key, attempt, "read") for op, key, attempt in reversed(calls)]
    assert first == list(reversed(second))
    assert first != [FaultPlan.uniform(0.5, seed=8).decide(*c, "read") for c in calls]


def test_rates_are_respected_roughly() -> None:
    plan = FaultPlan(seed=1, rates={Fault.SERVER_ERROR: 0.2})
    hits = sum(plan.decide("op", f"k{n}", 1, "read") is Fault.SERVER_ERROR for n in range(5000))
    assert 900 < hits < 1100


def test_reads_never_lose_replies_and_writes_are_never_malformed() -> None:
    plan = FaultPlan(seed=3, rates={Fault.REPLY_LOST: 0.5, Fault.MALFORMED: 0.5})
    reads = {plan.decide("op", f"k{n}", 1, "read") for n in range(300)}
    writes = {plan.decide("op", f"k{n}", 1, "write") for n in range(300)}
    assert Fault.REPLY_LOST not in reads
    assert Fault.MALFORMED not in writes


def test_invalid_plans_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="sum to <= 1"):
        FaultPlan(rates={Fault.TIMEOUT: 0.7, Fault.MALFORMED: 0.7})
    with pytest.raises(UsageError, match="latency"):
        FaultPlan(latency_ms=-1)


@pytest.mark.parametrize(
    ("fault", "effect", "error", "performed"),
    [
        (Fault.TIMEOUT, "read", ToolTimeoutError, False),
        (Fault.TIMEOUT, "write", OutcomeUnknownError, False),
        (Fault.RATE_LIMIT, "read", RateLimitedError, False),
        (Fault.SERVER_ERROR, "write", BackendError, False),
        (Fault.MALFORMED, "read", MalformedResponseError, True),
        (Fault.REPLY_LOST, "write", OutcomeUnknownError, True),
    ],
)
async def test_each_fault_raises_its_declared_error(
    fault: Fault, effect: str, error: type[Exception], performed: bool
) -> None:
    injector = FaultInjector(FaultPlan(rates={fault: 1.0}, retry_after=3.0), FakeClock(), "svc")
    done: list[int] = []

    async def action() -> int:
        done.append(1)
        return 1

    with pytest.raises(error) as info:
        await injector.run("op", "k", effect, action)  # type: ignore[arg-type]
    assert bool(done) is performed
    if isinstance(info.value, RateLimitedError):
        assert info.value.retry_after == 3.0
    assert injector.injected == [("op", fault)]


async def test_latency_sleeps_on_the_clock_and_attempts_are_counted() -> None:
    clock = FakeClock()
    injector = FaultInjector(FaultPlan(latency_ms=200, latency_spread=0.3, seed=5), clock, "svc")

    async def action() -> str:
        return "ok"

    assert await injector.run("op", "k", "read", action) == "ok"
    assert await injector.run("op", "k", "read", action) == "ok"
    assert len(clock.sleeps) == 2
    assert clock.sleeps[0] != clock.sleeps[1]  # attempt 2 draws its own latency
    assert all(0.05 < s < 0.8 for s in clock.sleeps)
