"""Suite-wide settings: the network is blocked (loopback allowed), hypothesis is deterministic,
and ``$PLANGATE_TEST_WALLCLOCK`` moves the wall clock for the whole run."""

from __future__ import annotations

import ipaddress
import os
import socket
from datetime import datetime
from typing import Any

import pytest
import time_machine
from hypothesis import HealthCheck, settings

settings.register_profile(
    "plangate",
    deadline=None,
    max_examples=60,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("plangate")

_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex


def _is_loopback(address: Any) -> bool:
    if not isinstance(address, tuple):
        return True  # AF_UNIX paths
    host = address[0]
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guard(address: Any) -> None:
    if not _is_loopback(address):
        raise ConnectionRefusedError(f"the network is blocked in tests (tried {address!r})")


def _guarded_connect(self: socket.socket, address: Any) -> None:
    _guard(address)
    _connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    _guard(address)
    return _connect_ex(self, address)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]

WALLCLOCK_VAR = "PLANGATE_TEST_WALLCLOCK"
"""An ISO 8601 moment: the suite runs with the wall clock moved there (``make test-times``).

``time.time``, ``datetime.now``, ``date.today`` and their kin read from that moment on, ticking at
the real pace; monotonic clocks are left alone, so timeouts and sleeps behave. No test may
depend on the hour or the day, so the suite must pass at any moment given here.
"""


def wall_clock_moment() -> datetime | None:
    """The moment ``$PLANGATE_TEST_WALLCLOCK`` names (timezone-aware), or ``None``."""
    text = os.environ.get(WALLCLOCK_VAR)
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise pytest.UsageError(f"{WALLCLOCK_VAR}={text!r} needs a timezone, e.g. +00:00")
    return moment


_MOMENT = wall_clock_moment()
if _MOMENT is not None:
    # Started before any test module is imported; time-machine patches the C functions, so even
    # ``from time import time`` taken earlier reads the moved clock.
    time_machine.travel(_MOMENT, tick=True).start()


def pytest_report_header() -> str | None:
    if _MOMENT is None:
        return None
    return f"wall clock moved to {_MOMENT.isoformat()} (${WALLCLOCK_VAR})"
