"""Injected faults: each means one thing, and no fault makes a booking happen twice."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pytest

from plangate.tools.base import RetryPolicy
from plangate.tools.clock import FakeClock
from plangate.tools.domains.flights.http import HttpFlightBackend
from plangate.tools.domains.flights.sandbox import SandboxFlightBackend
from plangate.tools.domains.flights.tools import TOOLS
from plangate.tools.errors import (
    BackendError,
    MalformedResponseError,
    OutcomeUnknownError,
    RateLimitedError,
    ToolTimeoutError,
)
from plangate.tools.executor import ToolExecutor
from plangate.tools.faults import Fault, FaultPlan
from plangate.tools.registry import Toolset

from .harness import ADA, DAY, serve

ADA_ARGS = {"first_name": "Ada", "last_name": "Lovelace"}


@dataclass(frozen=True)
class FirstAttempt(FaultPlan):
    """Strikes ``fault`` on the first attempt of every call to the ``only`` operations."""

    fault: Fault = Fault.REPLY_LOST

    def decide(
        self, operation: str, key: str, attempt: int, effect: Literal["read", "write"]
    ) -> Fault | None:
        chosen = self.only is None or operation in self.only
        return self.fault if chosen and attempt == 1 else None


def faulty(clock: FakeClock, plan: FaultPlan) -> SandboxFlightBackend:
    return SandboxFlightBackend(seed=0, clock=clock, faults=plan)


async def an_offer_id(clock: FakeClock) -> str:
    return (await SandboxFlightBackend(seed=0, clock=clock).search("LIS", "MAD", DAY))[0].id


# -- what each fault raises, and what it leaves behind -----------------------------------------


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.TIMEOUT, ToolTimeoutError),
        (Fault.RATE_LIMIT, RateLimitedError),
        (Fault.SERVER_ERROR, BackendError),
        (Fault.MALFORMED, MalformedResponseError),
    ],
)
async def test_read_faults(clock: FakeClock, fault: Fault, error: type[Exception]) -> None:
    backend = faulty(clock, FaultPlan(rates={fault: 1.0}))

    with pytest.raises(error):
        await backend.search("LIS", "MAD", DAY)

    assert backend.faults.injected == [("search_flights", fault)]


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.TIMEOUT, OutcomeUnknownError),
        (Fault.RATE_LIMIT, RateLimitedError),
        (Fault.SERVER_ERROR, BackendError),
    ],
)
async def test_write_faults_before_the_write_leave_nothing_behind(
    clock: FakeClock, fault: Fault, error: type[Exception]
) -> None:
    backend = faulty(clock, FaultPlan(rates={fault: 1.0}, only=frozenset({"book_flight"})))

    with pytest.raises(error):
        await backend.book(await an_offer_id(clock), [ADA], "key-1")

    assert await backend.find_booking_by_key("key-1") is None
    assert backend.bookings() == []
    assert backend.audit() == []


async def test_a_lost_reply_leaves_a_booking_that_the_key_finds(clock: FakeClock) -> None:
    plan = FirstAttempt(only=frozenset({"book_flight"}))
    backend = faulty(clock, plan)
    offer_id = await an_offer_id(clock)

    with pytest.raises(OutcomeUnknownError) as caught:
        await backend.book(offer_id, [ADA], "key-1")
    found = await backend.find_booking_by_key("key-1")
    again = await backend.book(offer_id, [ADA], "key-1")

    assert caught.value.key == "key-1"
    assert found is not None
    assert again == found
    assert len(backend.bookings()) == 1
    assert backend.audit() == []


async def test_latency_is_slept_on_the_clock(clock: FakeClock) -> None:
    backend = faulty(clock, FaultPlan(latency_ms=250))

    await backend.search("LIS", "MAD", DAY)

    assert clock.sleeps == [0.25]


# -- through the executor: unknown outcomes are reconciled, never re-sent ----------------------


@pytest.mark.parametrize("fault", [Fault.REPLY_LOST, Fault.TIMEOUT])
async def test_the_executor_books_once_whatever_happened_to_the_first_attempt(
    clock: FakeClock, fault: Fault
) -> None:
    backend = faulty(clock, FirstAttempt(fault=fault, only=frozenset({"book_flight"})))
    executor = ToolExecutor(Toolset(TOOLS, deps=backend), clock=clock)

    outcome = await executor.call(
        "book_flight", {"offer_id": await an_offer_id(clock), "passengers": [ADA_ARGS]}
    )

    assert outcome.attempts == 2
    assert outcome.reused is (fault is Fault.REPLY_LOST)  # found by key, or done on the retry
    assert backend.bookings() == [outcome.result]
    assert backend.audit() == []


async def test_the_executor_cancels_once_when_the_reply_is_lost(clock: FakeClock) -> None:
    backend = faulty(clock, FirstAttempt(only=frozenset({"cancel_booking"})))
    executor = ToolExecutor(Toolset(TOOLS, deps=backend), clock=clock)
    booked = await executor.call(
        "book_flight", {"offer_id": await an_offer_id(clock), "passengers": [ADA_ARGS]}
    )

    cancelled = await executor.call("cancel_booking", {"booking_id": booked.result.id})

    assert cancelled.reused
    assert cancelled.result.status == "cancelled"
    assert backend.audit() == []


# -- over HTTP: the server's faults, and retries that must not book twice -----------------------


async def test_a_booking_whose_replies_are_all_lost_happens_once(clock: FakeClock) -> None:
    sandbox = SandboxFlightBackend(seed=0, clock=clock)
    plan = FaultPlan(
        rates={Fault.REPLY_LOST: 1.0}, only=frozenset({"POST /flights/v1/booking/flight-orders"})
    )
    retry = RetryPolicy(max_attempts=4, initial_delay=0.1)
    with serve(sandbox, plan) as url:
        async with HttpFlightBackend(url, clock=FakeClock(), retry=retry) as client:
            with pytest.raises(BackendError) as caught:
                await client.book(await an_offer_id(clock), [ADA], "key-1")
            found = await client.find_booking_by_key("key-1")

    assert caught.value.status == 504
    assert found is not None
    assert sandbox.bookings() == [found]
    assert sandbox.audit() == []


async def test_the_http_retry_recovers_a_lost_reply_under_its_key(clock: FakeClock) -> None:
    sandbox = SandboxFlightBackend(seed=0, clock=clock)
    plan = FirstAttempt(only=frozenset({"POST /flights/v1/booking/flight-orders"}))
    with serve(sandbox, plan) as url:
        async with HttpFlightBackend(url, clock=FakeClock()) as client:
            booking = await client.book(await an_offer_id(clock), [ADA], "key-1")

    assert sandbox.bookings() == [booking]
    assert sandbox.audit() == []


async def test_the_executor_over_http_reconciles_after_retries_run_out(clock: FakeClock) -> None:
    sandbox = SandboxFlightBackend(seed=0, clock=clock)
    plan = FaultPlan(
        rates={Fault.REPLY_LOST: 1.0}, only=frozenset({"POST /flights/v1/booking/flight-orders"})
    )
    with serve(sandbox, plan) as url:
        async with HttpFlightBackend(url, clock=clock, retry=RetryPolicy(max_attempts=2)) as client:
            executor = ToolExecutor(Toolset(TOOLS, deps=client), clock=clock)
            outcome = await executor.call(
                "book_flight", {"offer_id": await an_offer_id(clock), "passengers": [ADA_ARGS]}
            )

    assert outcome.reused
    assert sandbox.bookings() == [outcome.result]
    assert sandbox.audit() == []
