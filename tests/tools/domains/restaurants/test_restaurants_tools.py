"""The restaurant tools as the engine calls them: declarations, schemas, executor round trips."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from plangate.tools.base import Tool, ToolContext
from plangate.tools.clock import FakeClock
from plangate.tools.domains.restaurants.models import (
    Availability,
    Reservation,
    ReservationList,
    ReservationStatus,
    VenuePage,
)
from plangate.tools.domains.restaurants.sandbox import SandboxRestaurantBackend
from plangate.tools.domains.restaurants.tools import (
    TOOLS,
    BookTableArgs,
    CancelReservationArgs,
    book_table,
    cancel_reservation,
    find_booking,
    find_cancellation,
)
from plangate.tools.errors import ToolArgsError, ToolRefusedError, UsageError
from plangate.tools.executor import ToolExecutor
from plangate.tools.registry import Toolset
from plangate.tools.schema import anthropic_tool, openai_tool

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
VENUE_ID = "lis-006"
BOOKING = {"venue_id": VENUE_ID, "start": "2026-03-05T19:00", "party_size": 2, "name": "Ada"}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def sandbox(clock: FakeClock) -> SandboxRestaurantBackend:
    return SandboxRestaurantBackend(seed=7, clock=clock)


@pytest.fixture
def executor(sandbox: SandboxRestaurantBackend, clock: FakeClock) -> ToolExecutor:
    return ToolExecutor(Toolset(TOOLS, deps=sandbox), clock=clock)


def test_the_tools_declare_names_effects_and_results() -> None:
    declared = {t.name: (t.effect, t.result_type) for t in TOOLS}
    assert declared == {
        "search_restaurants": ("read", VenuePage),
        "check_availability": ("read", Availability),
        "book_table": ("write", Reservation),
        "list_reservations": ("read", ReservationList),
        "cancel_reservation": ("write", Reservation),
    }
    for item in TOOLS:
        assert item.description
        assert "\n" not in item.description
        assert (item.reconciler is not None) == item.is_write


def test_conflict_keys_name_the_contended_resource() -> None:
    booking = BookTableArgs.model_validate(BOOKING)
    assert book_table.resource_key(booking) == "book_table:lis-006:2026-03-05"
    cancel = CancelReservationArgs(reservation_id="rsv-000001")
    assert cancel_reservation.resource_key(cancel) == "cancel_reservation:rsv-000001"


@pytest.mark.parametrize("item", TOOLS, ids=lambda t: t.name)
def test_schemas_export_for_both_providers(item: Tool[Any]) -> None:
    openai = openai_tool(item)
    assert openai["function"]["name"] == item.name
    schema = anthropic_tool(item)["input_schema"]
    assert schema["additionalProperties"] is False
    if "party_size" in schema["properties"]:
        party = schema["properties"]["party_size"]
        # An optional party size (list_reservations' filter) is a number or null.
        branches = party.get("anyOf", [party])
        assert [b["maximum"] for b in branches if b.get("type") == "integer"] == [20]


def test_a_party_over_the_limit_is_an_args_error_naming_the_limit() -> None:
    with pytest.raises(ToolArgsError) as caught:
        book_table.validate_args(BOOKING | {"party_size": 25})
    assert "at most 20 guests" in caught.value.message
    assert caught.value.errors[0][0] == "party_size"


async def test_search_then_check_then_book_then_cancel(
    executor: ToolExecutor, sandbox: SandboxRestaurantBackend
) -> None:
    found = await executor.call(
        "search_restaurants",
        {"city": "Lisbon", "party_size": 2, "date": "2026-03-05", "time": "19:00", "limit": 2},
    )
    page: VenuePage = found.result
    assert len(page.data) == 2
    assert page.next_cursor is not None
    more = await executor.call(
        "search_restaurants",
        {"city": "Lisbon", "party_size": 2, "date": "2026-03-05", "cursor": page.next_cursor},
    )
    assert not {v.id for v in page.data} & {v.id for v in more.result.data}

    checked = await executor.call(
        "check_availability", {"venue_id": VENUE_ID, "date": "2026-03-05", "party_size": 2}
    )
    assert checked.result.slots
    booked = await executor.call("book_table", BOOKING, step_id="book")
    reservation: Reservation = booked.result
    assert reservation.idempotency_key == booked.idempotency_key
    assert booked.result_json["status"] == "confirmed"

    cancelled = await executor.call(
        "cancel_reservation", {"reservation_id": reservation.id}, step_id="cancel"
    )
    assert cancelled.result.status is ReservationStatus.CANCELLED
    assert cancelled.result.cancel_idempotency_key == cancelled.idempotency_key
    assert sandbox.audit() == []


async def test_a_repeated_call_is_served_from_the_ledger(
    executor: ToolExecutor, sandbox: SandboxRestaurantBackend
) -> None:
    first = await executor.call("book_table", BOOKING, step_id="book")
    second = await executor.call("book_table", BOOKING, step_id="book")
    assert second.reused
    assert second.result == first.result
    assert len(sandbox.reservations()) == 1


async def test_refusals_reach_the_caller_with_reason_and_hint(executor: ToolExecutor) -> None:
    with pytest.raises(ToolRefusedError) as caught:
        await executor.call("book_table", BOOKING | {"start": "2026-03-03T19:00"})
    assert caught.value.reason == "closed"
    assert "Opening hours" in caught.value.hint
    assert caught.value.tool == "book_table"
    assert caught.value.model_visible


async def test_a_write_without_a_key_is_a_usage_error(sandbox: SandboxRestaurantBackend) -> None:
    with pytest.raises(UsageError, match="ToolExecutor"):
        await book_table.invoke(BOOKING, ToolContext(deps=sandbox))
    assert sandbox.reservations() == []


async def test_reconcilers_find_only_their_own_write(sandbox: SandboxRestaurantBackend) -> None:
    ctx = ToolContext(deps=sandbox)
    booked = await sandbox.book(VENUE_ID, datetime(2026, 3, 5, 19), 2, "Ada", "book-key")
    assert await find_booking(ctx, "book-key") == booked
    assert await find_booking(ctx, "other") is None
    assert await find_cancellation(ctx, "book-key") is None  # a booking is not a cancellation
    cancelled = await sandbox.cancel(booked.id, "cancel-key")
    assert await find_cancellation(ctx, "cancel-key") == cancelled
    assert await find_booking(ctx, "cancel-key") is None
