"""What the flights tests share besides fixtures: a travel day, travellers, a loopback server."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from plangate.tools.clock import FakeClock
from plangate.tools.domains.flights.backend import FlightBackend
from plangate.tools.domains.flights.models import Passenger
from plangate.tools.domains.flights.routes import PREFIX, router
from plangate.tools.domains.flights.sandbox import SandboxFlightBackend
from plangate.tools.domains.server import create_app, serve_in_thread
from plangate.tools.faults import FaultPlan

# FakeClock starts on Monday 2026-01-05 at 09:00 UTC. DAY is a Monday ten weeks later: far
# enough ahead that fares carry no advance-purchase surcharge.
DAY = date(2026, 3, 16)
ADA = Passenger(first_name="Ada", last_name="Lovelace")
GRACE = Passenger(first_name="Grace", last_name="Hopper")


@dataclass
class World:
    """A backend under test, and the sandbox and clock behind it."""

    backend: FlightBackend
    sandbox: SandboxFlightBackend
    clock: FakeClock


@contextmanager
def serve(sandbox: SandboxFlightBackend, faults: FaultPlan | None = None) -> Iterator[str]:
    """Serve the flights API over ``sandbox`` on loopback; yield the API's base URL."""
    with serve_in_thread(create_app([(PREFIX, router(sandbox))], faults=faults)) as url:
        yield url + PREFIX
