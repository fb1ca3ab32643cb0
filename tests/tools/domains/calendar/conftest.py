"""Fixtures of the calendar tests: a fake clock on a Monday morning and a fresh sandbox."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from plangate.tools.clock import FakeClock
from plangate.tools.domains.calendar.sandbox import SandboxCalendarBackend

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
"""Monday 2 March 2026, 09:00 UTC (09:00 in Lisbon, 04:00 in New York)."""


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def sandbox(clock: FakeClock) -> SandboxCalendarBackend:
    return SandboxCalendarBackend(seed=0, clock=clock)
