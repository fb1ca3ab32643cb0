"""The six domain backends as one set: the sandbox world, or HTTP clients of a REST server.

``sandbox_backends`` builds every in-process sandbox from one seed, clock and fault plan;
``http_backends`` builds the HTTP clients of a server that serves the sandbox API (``plangate
sandbox serve``) at one base URL; ``sandbox_app`` is that server's app; ``bind_tools`` binds each
domain's tools to its backend, giving a ``Toolset`` ready for an executor.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import Any

from fastapi import APIRouter, FastAPI

from plangate.tools.clock import Clock, SystemClock
from plangate.tools.domains.broker.backend import BrokerBackend
from plangate.tools.domains.broker.http import HttpBrokerBackend
from plangate.tools.domains.broker.routes import PREFIX as BROKER_PREFIX
from plangate.tools.domains.broker.routes import router as broker_router
from plangate.tools.domains.broker.sandbox import SandboxBrokerBackend
from plangate.tools.domains.broker.tools import TOOLS as BROKER_TOOLS
from plangate.tools.domains.calendar.backend import CalendarBackend
from plangate.tools.domains.calendar.http import HttpCalendarBackend
from plangate.tools.domains.calendar.routes import PREFIX as CALENDAR_PREFIX
from plangate.tools.domains.calendar.routes import router as calendar_router
from plangate.tools.domains.calendar.sandbox import SandboxCalendarBackend
from plangate.tools.domains.calendar.tools import TOOLS as CALENDAR_TOOLS
from plangate.tools.domains.flights.backend import FlightBackend
from plangate.tools.domains.flights.http import HttpFlightBackend
from plangate.tools.domains.flights.routes import PREFIX as FLIGHTS_PREFIX
from plangate.tools.domains.flights.routes import router as flights_router
from plangate.tools.domains.flights.sandbox import SandboxFlightBackend
from plangate.tools.domains.flights.tools import TOOLS as FLIGHT_TOOLS
from plangate.tools.domains.market.backend import MarketDataBackend
from plangate.tools.domains.market.http import HttpMarketBackend
from plangate.tools.domains.market.routes import PREFIX as MARKET_PREFIX
from plangate.tools.domains.market.routes import router as market_router
from plangate.tools.domains.market.sandbox import SandboxMarketBackend
from plangate.tools.domains.market.tools import TOOLS as MARKET_TOOLS
from plangate.tools.domains.restaurants.backend import RestaurantBackend
from plangate.tools.domains.restaurants.http import HttpRestaurantBackend
from plangate.tools.domains.restaurants.routes import PREFIX as RESTAURANTS_PREFIX
from plangate.tools.domains.restaurants.routes import router as restaurants_router
from plangate.tools.domains.restaurants.sandbox import SandboxRestaurantBackend
from plangate.tools.domains.restaurants.tools import TOOLS as RESTAURANT_TOOLS
from plangate.tools.domains.retrieval.backend import RetrievalBackend
from plangate.tools.domains.retrieval.http import HttpRetrievalBackend
from plangate.tools.domains.retrieval.routes import PREFIX as RETRIEVAL_PREFIX
from plangate.tools.domains.retrieval.routes import router as retrieval_router
from plangate.tools.domains.retrieval.sandbox import SandboxRetrievalBackend
from plangate.tools.domains.retrieval.tools import TOOLS as RETRIEVAL_TOOLS
from plangate.tools.domains.server import create_app
from plangate.tools.faults import FaultPlan
from plangate.tools.registry import Toolset

__all__ = ["Backends", "bind_tools", "http_backends", "sandbox_app", "sandbox_backends"]


@dataclass(frozen=True)
class Backends:
    """One backend per domain."""

    calendar: CalendarBackend
    flights: FlightBackend
    restaurants: RestaurantBackend
    retrieval: RetrievalBackend
    market: MarketDataBackend
    broker: BrokerBackend

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return ((f.name, getattr(self, f.name)) for f in fields(self))

    async def aclose(self) -> None:
        """Close what holds connections (the HTTP clients); sandboxes hold none."""
        for _, backend in self:
            close = getattr(backend, "aclose", None)
            if close is not None:
                await close()


def sandbox_backends(
    *,
    seed: int = 0,
    clock: Clock | None = None,
    faults: FaultPlan | None = None,
    retrieval: RetrievalBackend | None = None,
) -> Backends:
    """Every sandbox, seeded alike, sharing one clock and one fault plan.

    Args:
        seed: the seed of every sandbox's data.
        clock: the time every sandbox sees; the real time by default.
        faults: the faults every sandbox injects.
        retrieval: the documents ``search_documents`` and ``get_document`` read instead of the
            bundled notes, e.g. a ``LibraryRetrievalBackend`` over a folder and its stored index.
    """
    clock = clock or SystemClock()
    market_backend = SandboxMarketBackend(seed=seed, clock=clock, faults=faults)
    return Backends(
        calendar=SandboxCalendarBackend(seed=seed, clock=clock, faults=faults),
        flights=SandboxFlightBackend(seed=seed, clock=clock, faults=faults),
        restaurants=SandboxRestaurantBackend(seed=seed, clock=clock, faults=faults),
        retrieval=retrieval
        if retrieval is not None
        else SandboxRetrievalBackend(seed=seed, clock=clock, faults=faults),
        market=market_backend,
        broker=SandboxBrokerBackend(market_backend, seed=seed, clock=clock, faults=faults),
    )


def http_backends(
    base_url: str, *, token: str | None = None, clock: Clock | None = None
) -> Backends:
    """HTTP clients of a sandbox-API server at ``base_url`` (e.g. ``http://127.0.0.1:8765``)."""
    root = base_url.rstrip("/")
    return Backends(
        calendar=HttpCalendarBackend(root + CALENDAR_PREFIX, token=token, clock=clock),
        flights=HttpFlightBackend(root + FLIGHTS_PREFIX, token=token, clock=clock),
        restaurants=HttpRestaurantBackend(root + RESTAURANTS_PREFIX, token=token, clock=clock),
        retrieval=HttpRetrievalBackend(root + RETRIEVAL_PREFIX, token=token, clock=clock),
        market=HttpMarketBackend(root + MARKET_PREFIX, token=token, clock=clock),
        broker=HttpBrokerBackend(root + BROKER_PREFIX, token=token, clock=clock),
    )


def bind_tools(backends: Backends) -> Toolset:
    """Every domain's tools, each bound to its domain's backend."""
    return (
        Toolset(CALENDAR_TOOLS, deps=backends.calendar)
        .merge(Toolset(FLIGHT_TOOLS, deps=backends.flights))
        .merge(Toolset(RESTAURANT_TOOLS, deps=backends.restaurants))
        .merge(Toolset(RETRIEVAL_TOOLS, deps=backends.retrieval))
        .merge(Toolset(MARKET_TOOLS, deps=backends.market))
        .merge(Toolset(BROKER_TOOLS, deps=backends.broker))
    )


def sandbox_app(backends: Backends, *, faults: FaultPlan | None = None) -> FastAPI:
    """The REST server over ``backends``: all five APIs (market data and broker apart).

    Give it sandboxes built without a fault plan and pass ``faults`` here, so faults strike
    once, at the HTTP layer, as they would in production.
    """
    mounts: list[tuple[str, APIRouter]] = [
        (CALENDAR_PREFIX, calendar_router(backends.calendar)),
        (FLIGHTS_PREFIX, flights_router(backends.flights)),
        (RESTAURANTS_PREFIX, restaurants_router(backends.restaurants)),
        (RETRIEVAL_PREFIX, retrieval_router(backends.retrieval)),
        (MARKET_PREFIX, market_router(backends.market)),
        (BROKER_PREFIX, broker_router(backends.broker)),
    ]
    return create_app(mounts, faults=faults)
