"""Fault plans through the calendar sandbox: each fault raises what plangate.tools.faults
declares."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from plangate.tools.base import RetryPolicy
from plangate.tools.clock import FakeClock
from plangate.tools.domains.calendar.http import HttpCalendarBackend
from plangate.tools.domains.calendar.models import NewEvent
from plangate.tools.domains.calendar.routes import PREFIX, router
from plangate.tools.domains.calendar.sandbox import PRIMARY, SandboxCalendarBackend
from plangate.tools.domains.calendar.tools import TOOLS
from plangate.tools.domains.server import create_app, serve_in_thread
from plangate.tools.errors import (
    BackendError,
    MalformedResponseError,
    OutcomeUnknownError,
    RateLimitedError,
    ToolError,
    ToolTimeoutError,
)
from plangate.tools.executor import ToolExecutor
from plangate.tools.faults import Fault, FaultPlan
from plangate.tools.registry import Toolset

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
LUNCH = NewEvent(
    summary="Lunch",
    timezone="Europe/Lisbon",
    start=NOW + timedelta(hours=4),
    end=NOW + timedelta(hours=5),
)
LUNCH_ARGS = {
    "summary": "Lunch",
    "timezone": "Europe/Lisbon",
    "start": "2026-03-02T13:00:00Z",
    "end": "2026-03-02T14:00:00Z",
}

Read = Callable[[SandboxCalendarBackend], Awaitable[Any]]
READS: dict[str, Read] = {
    "list_events": lambda s: s.list_events(PRIMARY, NOW, NOW + DAY),
    "get_event": lambda s: _get_first(s),
    "free_busy": lambda s: s.free_busy([PRIMARY], NOW, NOW + DAY),
    "find_free_slots": lambda s: s.find_free_slots(PRIMARY, NOW, NOW + DAY, timedelta(hours=1)),
    "find_event_by_key": lambda s: s.find_event_by_key("k"),
}


async def _get_first(sandbox: SandboxCalendarBackend) -> Any:
    page = await sandbox.list_events(PRIMARY, NOW, NOW + DAY)
    return await sandbox.get_event(PRIMARY, page.items[0].id)


READ_ERRORS: dict[Fault, type[ToolError]] = {
    Fault.TIMEOUT: ToolTimeoutError,
    Fault.RATE_LIMIT: RateLimitedError,
    Fault.SERVER_ERROR: BackendError,
    Fault.MALFORMED: MalformedResponseError,
}


def _sandbox(clock: FakeClock, fault: Fault, *only: str, **plan: Any) -> SandboxCalendarBackend:
    faults = FaultPlan(rates={fault: 1.0}, only=frozenset(only) or None, **plan)
    return SandboxCalendarBackend(seed=0, clock=clock, faults=faults)


async def _lunches(sandbox: SandboxCalendarBackend) -> int:
    sandbox.faults.plan = FaultPlan()  # look without faults
    page = await sandbox.list_events(PRIMARY, NOW, NOW + DAY)
    return [event.summary for event in page.items].count("Lunch")


@pytest.mark.parametrize("operation", sorted(READS))
@pytest.mark.parametrize("fault", sorted(READ_ERRORS))
async def test_each_read_fault_raises_its_declared_error(
    clock: FakeClock, operation: str, fault: Fault
) -> None:
    sandbox = _sandbox(clock, fault, operation, retry_after=4.0)
    with pytest.raises(READ_ERRORS[fault]) as info:
        await READS[operation](sandbox)
    if isinstance(info.value, RateLimitedError):
        assert info.value.retry_after == 4.0
    if fault is Fault.SERVER_ERROR:
        assert isinstance(info.value, BackendError)
        assert info.value.status == 503
    assert sandbox.faults.injected == [(operation, fault)]


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.TIMEOUT, OutcomeUnknownError),
        (Fault.RATE_LIMIT, RateLimitedError),
        (Fault.SERVER_ERROR, BackendError),
    ],
)
async def test_write_faults_before_the_write_change_nothing(
    clock: FakeClock, fault: Fault, error: type[ToolError]
) -> None:
    sandbox = _sandbox(clock, fault, "create_event")
    with pytest.raises(error):
        await sandbox.create_event(PRIMARY, LUNCH, "key-1")
    assert await sandbox.find_event_by_key("key-1") is None
    assert await _lunches(sandbox) == 0
    assert sandbox.audit() == []


async def test_reply_lost_means_the_write_happened(clock: FakeClock) -> None:
    sandbox = _sandbox(clock, Fault.REPLY_LOST, "create_event", "cancel_event")
    with pytest.raises(OutcomeUnknownError) as info:
        await sandbox.create_event(PRIMARY, LUNCH, "key-1")
    assert info.value.key == "key-1"
    created = await sandbox.find_event_by_key("key-1")
    assert created is not None
    assert created.summary == "Lunch"
    with pytest.raises(OutcomeUnknownError):
        await sandbox.cancel_event(PRIMARY, created.id, "key-2")
    cancelled = await sandbox.find_event_by_key("key-2")
    assert cancelled is not None
    assert cancelled.status == "cancelled"
    assert sandbox.audit() == []


async def test_malformed_never_strikes_a_write(clock: FakeClock) -> None:
    sandbox = _sandbox(clock, Fault.MALFORMED, "create_event")
    created = await sandbox.create_event(PRIMARY, LUNCH, "key-1")
    assert created.summary == "Lunch"
    assert sandbox.faults.injected == []


async def test_latency_is_slept_on_the_clock(clock: FakeClock) -> None:
    sandbox = SandboxCalendarBackend(seed=0, clock=clock, faults=FaultPlan(latency_ms=250))
    await sandbox.list_events(PRIMARY, NOW, NOW + DAY)
    await sandbox.create_event(PRIMARY, LUNCH, "key-1")
    assert clock.sleeps == [0.25, 0.25]
    assert clock.now() == NOW + timedelta(seconds=0.5)


async def test_reply_lost_then_retry_through_the_executor_creates_one_event(
    clock: FakeClock,
) -> None:
    sandbox = _sandbox(clock, Fault.REPLY_LOST, "create_event")
    executor = ToolExecutor(Toolset(TOOLS, deps=sandbox), clock=clock)
    outcome = await executor.call("create_event", LUNCH_ARGS)
    assert outcome.attempts == 2
    assert outcome.reused is True
    assert outcome.result.summary == "Lunch"
    assert sandbox.faults.injected == [("create_event", Fault.REPLY_LOST)]
    again = await executor.call("create_event", LUNCH_ARGS)
    assert again.result == outcome.result
    assert await _lunches(sandbox) == 1
    assert sandbox.audit() == []


async def test_cancel_with_reply_lost_through_the_executor_cancels_once(
    clock: FakeClock,
) -> None:
    sandbox = _sandbox(clock, Fault.REPLY_LOST, "cancel_event")
    executor = ToolExecutor(Toolset(TOOLS, deps=sandbox), clock=clock)
    created = (await executor.call("create_event", LUNCH_ARGS)).result
    outcome = await executor.call("cancel_event", {"event_id": created.id})
    assert outcome.result.status == "cancelled"
    assert outcome.reused is True
    assert await _lunches(sandbox) == 0
    assert sandbox.audit() == []


async def _limited_once() -> FaultPlan:
    """A seeded plan (rate 0.5) whose first listing is rate limited and whose second is not."""
    for seed in range(100):
        plan = FaultPlan(seed=seed, rates={Fault.RATE_LIMIT: 0.5}, retry_after=3.0)
        probe = SandboxCalendarBackend(seed=0, clock=FakeClock(NOW), faults=plan)
        outcomes = []
        for _ in range(2):
            try:
                await probe.list_events(PRIMARY, NOW, NOW + DAY, max_results=50)
                outcomes.append("ok")
            except RateLimitedError:
                outcomes.append("limited")
        if outcomes == ["limited", "ok"]:
            return plan
    raise AssertionError("no seed below 100 limits the first listing only")


async def test_a_rate_limited_read_is_retried_after_the_asked_wait(clock: FakeClock) -> None:
    sandbox = SandboxCalendarBackend(seed=0, clock=clock, faults=await _limited_once())
    executor = ToolExecutor(Toolset(TOOLS, deps=sandbox), clock=clock)
    outcome = await executor.call(
        "list_events", {"time_min": NOW.isoformat(), "time_max": (NOW + DAY).isoformat()}
    )
    assert outcome.attempts == 2
    assert clock.sleeps == [3.0]
    assert sandbox.faults.injected == [("list_events", Fault.RATE_LIMIT)]


async def test_reply_lost_at_the_http_layer_creates_one_event(clock: FakeClock) -> None:
    served = SandboxCalendarBackend(seed=0, clock=clock)
    faults = FaultPlan(
        rates={Fault.REPLY_LOST: 1.0}, only=frozenset({"POST /calendar/calendars/primary/events"})
    )
    with serve_in_thread(create_app([(PREFIX, router(served))], faults=faults)) as url:
        backend = HttpCalendarBackend(url + PREFIX, clock=clock, retry=RetryPolicy(max_attempts=2))
        executor = ToolExecutor(Toolset(TOOLS, deps=backend), clock=clock)
        outcome = await executor.call("create_event", LUNCH_ARGS)
        await backend.aclose()
    assert outcome.reused is True
    assert outcome.result.summary == "Lunch"
    assert await _lunches(served) == 1
    assert served.audit() == []
