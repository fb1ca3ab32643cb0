"""Fault plans through the sandbox: each fault raises its declared error, and a lost reply is
settled by reconciliation so a retried booking happens exactly once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from plangate.tools.clock import FakeClock
from plangate.tools.domains.restaurants.http import HttpRestaurantBackend
from plangate.tools.domains.restaurants.models import ReservationStatus
from plangate.tools.domains.restaurants.routes import PREFIX, router
from plangate.tools.domains.restaurants.sandbox import SandboxRestaurantBackend
from plangate.tools.domains.restaurants.tools import TOOLS
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

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SEED = 7
VENUE_ID = "lis-006"
THURSDAY = date(2026, 3, 5)
SEVEN_PM = datetime(2026, 3, 5, 19, 0)
BOOKING = {"venue_id": VENUE_ID, "start": "2026-03-05T19:00:00", "party_size": 2, "name": "Ada"}


def faulty(fault: Fault, *only: str, clock: FakeClock | None = None) -> SandboxRestaurantBackend:
    plan = FaultPlan(rates={fault: 1.0}, only=frozenset(only) or None, retry_after=3.0)
    return SandboxRestaurantBackend(seed=SEED, clock=clock or FakeClock(START), faults=plan)


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.TIMEOUT, ToolTimeoutError),
        (Fault.RATE_LIMIT, RateLimitedError),
        (Fault.SERVER_ERROR, BackendError),
        (Fault.MALFORMED, MalformedResponseError),
    ],
)
async def test_each_read_fault_raises_its_error(fault: Fault, error: type[ToolError]) -> None:
    sandbox = faulty(fault)
    with pytest.raises(error) as caught:
        await sandbox.availability(VENUE_ID, THURSDAY, 2)
    assert type(caught.value) is error
    assert sandbox.faults.injected == [("availability", fault)]
    if isinstance(caught.value, RateLimitedError):
        assert caught.value.retry_after == 3.0
    elif isinstance(caught.value, BackendError) and not isinstance(
        caught.value, MalformedResponseError
    ):
        assert caught.value.status == 503


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.TIMEOUT, OutcomeUnknownError),
        (Fault.RATE_LIMIT, RateLimitedError),
        (Fault.SERVER_ERROR, BackendError),
    ],
)
async def test_a_write_fault_before_the_write_books_nothing(
    fault: Fault, error: type[ToolError]
) -> None:
    sandbox = faulty(fault, "book")
    with pytest.raises(error) as caught:
        await sandbox.book(VENUE_ID, SEVEN_PM, 2, "Ada", "key-1")
    assert type(caught.value) is error
    assert sandbox.reservations() == []
    assert await sandbox.find_reservation_by_key("key-1") is None
    assert sandbox.audit() == []


async def test_a_lost_reply_hides_a_booking_that_happened() -> None:
    sandbox = faulty(Fault.REPLY_LOST, "book")
    with pytest.raises(OutcomeUnknownError) as caught:
        await sandbox.book(VENUE_ID, SEVEN_PM, 2, "Ada", "key-1")
    assert caught.value.key == "key-1"
    found = await sandbox.find_reservation_by_key("key-1")
    assert found is not None
    assert found.status is ReservationStatus.CONFIRMED
    assert sandbox.reservations() == [found]
    assert sandbox.audit() == []


async def test_a_lost_cancel_reply_hides_a_cancellation_that_happened() -> None:
    sandbox = faulty(Fault.REPLY_LOST, "cancel")
    booked = await sandbox.book(VENUE_ID, SEVEN_PM, 2, "Ada", "key-1")
    with pytest.raises(OutcomeUnknownError):
        await sandbox.cancel(booked.id, "cancel-1")
    found = await sandbox.get_reservation(booked.id)
    assert found.status is ReservationStatus.CANCELLED
    assert sandbox.audit() == []


async def test_latency_is_slept_on_the_clock() -> None:
    clock = FakeClock(START)
    plan = FaultPlan(latency_ms=250)
    sandbox = SandboxRestaurantBackend(seed=SEED, clock=clock, faults=plan)
    await sandbox.get_venue(VENUE_ID)
    await sandbox.availability(VENUE_ID, THURSDAY, 2)
    assert clock.sleeps == [0.25, 0.25]


async def test_reply_lost_then_retry_through_the_executor_books_once() -> None:
    clock = FakeClock(START)
    sandbox = faulty(Fault.REPLY_LOST, "book", clock=clock)
    executor = ToolExecutor(Toolset(TOOLS, deps=sandbox), clock=clock)
    outcome = await executor.call("book_table", BOOKING)
    assert outcome.attempts == 2
    assert outcome.reused  # the second attempt found the booking by key instead of re-sending
    assert sandbox.faults.injected == [("book", Fault.REPLY_LOST)]
    assert [r.id for r in sandbox.reservations()] == [outcome.result.id]
    assert outcome.result.idempotency_key == outcome.idempotency_key
    again = await executor.call("book_table", BOOKING)  # same thread and step: same key
    assert again.result == outcome.result
    assert len(sandbox.reservations()) == 1
    assert sandbox.audit() == []


async def test_a_write_timeout_then_retry_through_the_executor_books_once() -> None:
    clock = FakeClock(START)
    plan = FaultPlan(rates={Fault.TIMEOUT: 0.5}, only=frozenset({"book"}), seed=3)
    sandbox = SandboxRestaurantBackend(seed=SEED, clock=clock, faults=plan)
    executor = ToolExecutor(Toolset(TOOLS, deps=sandbox), clock=clock)
    book = executor.toolset.get("book_table")
    retried, given_up = 0, 0
    for step in range(6):
        key = executor.write_key(
            book, book.validate_args(BOOKING), thread_id="thread", step_id=f"s{step}"
        )
        try:
            outcome = await executor.call("book_table", BOOKING, step_id=f"s{step}")
        except OutcomeUnknownError:
            given_up += 1  # every attempt timed out before the write: nothing was booked
            assert await sandbox.find_reservation_by_key(key) is None
            continue
        retried += outcome.attempts > 1
        assert await sandbox.find_reservation_by_key(key) == outcome.result
    assert retried >= 1  # a timed-out attempt was followed by one that booked
    assert given_up >= 1
    assert len(sandbox.reservations()) == 6 - given_up
    assert sandbox.audit() == []


async def test_reply_lost_then_retry_through_the_executor_cancels_once() -> None:
    clock = FakeClock(START)
    sandbox = faulty(Fault.REPLY_LOST, "cancel", clock=clock)
    executor = ToolExecutor(Toolset(TOOLS, deps=sandbox), clock=clock)
    booked = await executor.call("book_table", BOOKING)
    outcome = await executor.call("cancel_reservation", {"reservation_id": booked.result.id})
    assert outcome.attempts == 2
    assert outcome.reused
    assert outcome.result.status is ReservationStatus.CANCELLED
    assert outcome.result.cancel_idempotency_key == outcome.idempotency_key
    assert sandbox.audit() == []


async def test_a_lost_reply_over_http_is_reconciled_to_one_booking() -> None:
    """The REST server commits, then answers 504; the executor settles it by key."""
    clock = FakeClock(START)
    sandbox = SandboxRestaurantBackend(seed=SEED, clock=clock)
    plan = FaultPlan(
        rates={Fault.REPLY_LOST: 1.0}, only=frozenset({f"POST {PREFIX}/v1/reservations"})
    )
    with serve_in_thread(create_app([(PREFIX, router(sandbox))], faults=plan)) as url:
        http = HttpRestaurantBackend(url + PREFIX, clock=clock)
        try:
            executor = ToolExecutor(Toolset(TOOLS, deps=http), clock=clock)
            outcome = await executor.call("book_table", BOOKING)
        finally:
            await http.aclose()
    assert outcome.reused
    assert [r.id for r in sandbox.reservations()] == [outcome.result.id]
    assert sandbox.audit() == []
