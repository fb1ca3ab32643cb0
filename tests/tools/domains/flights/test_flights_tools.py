"""The flight tools: declarations, schemas, and calls through the executor and its ledger."""

from __future__ import annotations

from datetime import date

import pytest

from plangate.tools.base import ToolContext
from plangate.tools.domains.flights.models import Booking, Offer
from plangate.tools.domains.flights.sandbox import SandboxFlightBackend
from plangate.tools.domains.flights.tools import (
    TOOLS,
    book_flight,
    cancel_booking,
    get_offer,
    search_flights,
)
from plangate.tools.errors import ToolArgsError, ToolRefusedError, UsageError
from plangate.tools.executor import ToolExecutor
from plangate.tools.registry import Toolset
from plangate.tools.schema import anthropic_tool, openai_tool

from .harness import DAY

ADA = {"first_name": "Ada", "last_name": "Lovelace"}


@pytest.fixture
def executor(sandbox: SandboxFlightBackend) -> ToolExecutor:
    return ToolExecutor(Toolset(TOOLS, deps=sandbox), clock=sandbox.clock)


async def search(executor: ToolExecutor, **changes: object) -> list[Offer]:
    args = {"origin": "LIS", "destination": "MAD", "departure_date": DAY.isoformat(), **changes}
    outcome = await executor.call("search_flights", args)
    return list(outcome.result)


def test_the_tools_declare_their_effects_and_write_safety() -> None:
    assert [t.name for t in TOOLS] == [
        "search_flights",
        "get_offer",
        "book_flight",
        "cancel_booking",
    ]
    assert [t.effect for t in TOOLS] == ["read", "read", "write", "write"]
    for write in (book_flight, cancel_booking):
        assert write.reconciler is not None
        assert write.conflict_key is not None
        assert write.retry.max_attempts > 1
    assert all(t.description and len(t.description) < 120 for t in TOOLS)


def test_schemas_export_to_openai_strict_and_anthropic() -> None:
    for item in TOOLS:
        openai = openai_tool(item)
        assert openai["function"]["parameters"]["additionalProperties"] is False
        assert anthropic_tool(item)["input_schema"]["type"] == "object"
    origin = search_flights.args_schema()["properties"]["origin"]
    assert origin["pattern"] == "^[A-Z]{3}$"
    assert "IATA" in origin["description"]


def test_bookings_of_one_flight_share_a_conflict_key_whatever_the_cabin() -> None:
    def key(offer_id: str) -> str:
        return book_flight.resource_key(
            book_flight.validate_args({"offer_id": offer_id, "passengers": [ADA]})
        )

    assert key("TP141-20260316.Y1") == key("TP141-20260316.J2") == "book_flight:TP141-20260316"
    assert key("TP141-20260316.BA5-20260316.Y1") == "book_flight:TP141-20260316.BA5-20260316"
    assert key("foreign-offer-7") == "book_flight:foreign-offer-7"
    assert key("TP141-20260317.Y1") != key("TP141-20260316.Y1")
    cancel = cancel_booking.validate_args({"booking_id": "K7Q2ZD"})
    assert cancel_booking.resource_key(cancel) == "cancel_booking:K7Q2ZD"


async def test_search_through_the_executor(executor: ToolExecutor) -> None:
    offers = await search(executor, passengers=2, cabin="business")

    assert offers
    assert all(isinstance(o, Offer) and o.passengers == 2 for o in offers)


async def test_a_bad_airport_is_an_args_error_the_model_can_fix(executor: ToolExecutor) -> None:
    with pytest.raises(ToolArgsError) as caught:
        await search(executor, origin="LON")

    assert caught.value.model_visible
    assert "'LON'" in caught.value.message
    assert "LHR (London)" in caught.value.message


async def test_a_business_refusal_reaches_the_model(executor: ToolExecutor) -> None:
    with pytest.raises(ToolRefusedError) as caught:
        await search(executor, departure_date="2025-12-31")

    assert caught.value.model_visible
    assert caught.value.reason == "past_date"
    assert caught.value.tool == "search_flights"


async def test_book_then_cancel_through_the_executor(
    executor: ToolExecutor, sandbox: SandboxFlightBackend
) -> None:
    offer = (await search(executor))[0]
    priced = await executor.call("get_offer", {"offer_id": offer.id})
    assert priced.result == offer

    booked = await executor.call(
        "book_flight", {"offer_id": offer.id, "passengers": [ADA]}, step_id="book"
    )
    replayed = await executor.call(
        "book_flight", {"offer_id": offer.id, "passengers": [ADA]}, step_id="book"
    )
    cancelled = await executor.call(
        "cancel_booking", {"booking_id": booked.result.id}, step_id="cancel"
    )

    assert isinstance(booked.result, Booking)
    assert booked.result.idempotency_key == booked.idempotency_key
    assert replayed.reused
    assert replayed.result == booked.result
    assert cancelled.result.status == "cancelled"
    assert len(sandbox.bookings()) == 1
    assert sandbox.audit() == []


async def test_reconcilers_find_writes_by_key(sandbox: SandboxFlightBackend) -> None:
    offer = (await sandbox.search("LIS", "MAD", DAY))[0]
    ctx = ToolContext(deps=sandbox, idempotency_key="book-1", clock=sandbox.clock)
    booking = await book_flight.invoke({"offer_id": offer.id, "passengers": [ADA]}, ctx)
    assert book_flight.reconciler is not None
    assert cancel_booking.reconciler is not None

    assert await book_flight.reconciler(ctx, "book-1") == booking
    assert await book_flight.reconciler(ctx, "other") is None
    cancel_ctx = ToolContext(deps=sandbox, idempotency_key="cancel-1", clock=sandbox.clock)
    await cancel_booking.invoke({"booking_id": booking.id}, cancel_ctx)
    found = await cancel_booking.reconciler(cancel_ctx, "cancel-1")
    assert found is not None
    assert found.status == "cancelled"


async def test_a_write_without_an_idempotency_key_is_a_usage_error(
    sandbox: SandboxFlightBackend,
) -> None:
    with pytest.raises(UsageError, match="ToolExecutor"):
        await book_flight.invoke(
            {"offer_id": "TP141-20260316.Y1", "passengers": [ADA]}, ToolContext(deps=sandbox)
        )
    assert sandbox.bookings() == []


async def test_get_offer_tool_validates_its_argument(sandbox: SandboxFlightBackend) -> None:
    with pytest.raises(ToolArgsError):
        await get_offer.invoke({"offer_id": ""}, ToolContext(deps=sandbox))
    with pytest.raises(ToolArgsError):
        await search_flights.invoke(
            {"origin": "LIS", "destination": "MAD", "departure_date": date(2026, 3, 16), "x": 1},
            ToolContext(deps=sandbox),
        )
