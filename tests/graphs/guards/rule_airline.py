"""A small airline for the business-rule tests: reservations read through a tool, and writes.

The reservations live in a dict the tests can change; ``reads`` counts the lookups so tests
can check that one call judged by several rules reads each record once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel

from plangate.graphs.guards.guardrails import GuardSubject, Stage
from plangate.tools.base import RetryPolicy, Tool, tool
from plangate.tools.clock import FakeClock
from plangate.tools.errors import BackendError
from plangate.tools.registry import Toolset

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


class Passenger(BaseModel):
    """One traveller."""

    name: str
    bags: int = 0


class Reservation(BaseModel):
    """A stored reservation."""

    reservation_id: str
    cabin: Literal["basic_economy", "economy", "business"]
    created_at: datetime
    passengers: list[Passenger]
    insurance: bool = False
    payment_methods: dict[str, str] = {}


class Airline:
    """The reservations, and how often they were read."""

    def __init__(self) -> None:
        self.reads = 0
        self.down = False
        self.flaky = 0  # how many of the next reads fail with a 503
        self.reservations = {
            "ZFA04Y": Reservation(
                reservation_id="ZFA04Y",
                cabin="basic_economy",
                created_at=datetime(2026, 4, 30, 20, 0, tzinfo=UTC),
                passengers=[Passenger(name="Ana", bags=1)],
                payment_methods={"credit_card_7": "visa", "gift_card_2": "gift"},
            ),
            "K2BIZ9": Reservation(
                reservation_id="K2BIZ9",
                cabin="business",
                created_at=datetime(2026, 4, 1, 9, 0, tzinfo=UTC),
                passengers=[Passenger(name="Rui", bags=2), Passenger(name="Eva", bags=1)],
                insurance=True,
            ),
        }


def airline_tools(airline: Airline) -> Toolset:
    """``get_reservation`` (read), ``update_reservation`` and ``cancel_reservation`` (writes)."""

    @tool(effect="read", retry=RetryPolicy(max_attempts=3))
    async def get_reservation(reservation_id: str) -> Reservation:
        """Read a reservation."""
        airline.reads += 1
        if airline.down or airline.flaky > 0:
            airline.flaky -= 1
            raise BackendError("reservations unavailable", service="airline", status=503)
        return airline.reservations[reservation_id]

    @tool(effect="write")
    async def update_reservation(
        reservation_id: str, passengers: list[Passenger], payment_id: str, flight_date: str
    ) -> str:
        """Change a reservation."""
        return reservation_id

    @tool(effect="write")
    async def cancel_reservation(reservation_id: str, reason: str | None = None) -> str:
        """Cancel a reservation."""
        return reservation_id

    return Toolset([get_reservation, update_reservation, cancel_reservation])


def clock() -> FakeClock:
    """A clock reading ``NOW``."""
    return FakeClock(NOW)


def call(tools: Toolset, name: str, **args: Any) -> GuardSubject:
    """The subject of a call to ``name`` with ``args``."""
    found: Tool[Any] = tools.get(name)
    return GuardSubject(stage=Stage.TOOL_CALL, tool=found, args=args)
