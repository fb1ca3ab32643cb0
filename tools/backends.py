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

from tools.broker.backend import BrokerBackend
from tools.broker.http import HttpBrokerBackend
from tools.broker.routes import PREFIX as BROKER_PREFIX
from tools.broker.routes import router as broker_router
from tools.broker.sandbox import SandboxBrokerBackend
from tools.broker.tools import TOOLS as BROKER_TOOLS
from tools.calendar.backend import CalendarBackend
from tools.calendar.http import HttpCalendarBackend
from tools.calendar.routes import PREFIX as CALENDAR_PREFIX
from tools.calendar.routes import router as calendar_router
from tools.calendar.sandbox import SandboxCalendarBackend
from tools.calendar.tools import TOOLS as CALENDAR_TOOLS
from tools.clock import Clock, SystemClock
from tools.faults import FaultPlan
from tools.flights.backend import FlightBackend
from tools.flights.http import HttpFlightBackend
from tools.flights.routes import PREFIX as FLIGHTS_PREFIX
from tools.flights.routes import router as flights_router
from tools.flights.sandbox import SandboxFlightBackend
from tools.flights.tools import TOOLS as FLIGHT_TOOLS
from tools.market.backend import MarketDataBackend
from tools.market.http import HttpMarketBackend
from tools.market.routes import PREFIX as MARKET_PREFIX
from tools.market.routes import router as market_router
from tools.market.sandbox import SandboxMarketBackend
from tools.market.tools import TOOLS as MARKET_TOOLS
from tools.registry import Toolset
from tools.restaurants.backend import RestaurantBackend
from tools.restaurants.http import HttpRestaurantBackend
from tools.restaurants.routes import PREFIX as RESTAURANTS_PREFIX
from tools.restaurants.routes import router as restaurants_router
from tools.restaurants.sandbox import SandboxRestaurantBackend
from tools.restaurants.tools import TOOLS as RESTAURANT_TOOLS
from tools.retrieval.backend import RetrievalBackend
from tools.retrieval.http import HttpRetrievalBackend
from tools.retrieval.routes import PREFIX as RETRIEVAL_PREFIX
from tools.retrieval.routes import router as retrieval_router
from tools.retrieval.sandbox import SandboxRetrievalBackend
from tools.retrieval.tools import TOOLS as RETRIEVAL_TOOLS
from tools.server import create_app

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
    *, seed: int = 0, clock: Clock | None = None, faults: FaultPlan | None = None
) -> Backends:
    """Every sandbox, seeded alike, sharing one clock and one fault plan."""
    clock = clock or SystemClock()
    market_backend = SandboxMarketBackend(seed=seed, clock=clock, faults=faults)
    return Backends(
        calendar=SandboxCalendarBackend(seed=seed, clock=clock, faults=faults),
        flights=SandboxFlightBackend(seed=seed, clock=clock, faults=faults),
        restaurants=SandboxRestaurantBackend(seed=seed, clock=clock, faults=faults),
        retrieval=SandboxRetrievalBackend(seed=seed, clock=clock, faults=faults),
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
