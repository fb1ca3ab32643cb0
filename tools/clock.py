"""Clocks: the one seam through which plangate reads time and waits.

Tools, backends, retries and fault injection take a ``Clock`` so tests never sleep: a
``FakeClock`` advances instantly when something sleeps on it, and records every sleep.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable


@runtime_checkable
class Clock(Protocol):
    """What plangate needs of time."""

    def now(self) -> datetime:
        """The current wall-clock time, timezone-aware (UTC)."""
        ...

    def monotonic(self) -> float:
        """Seconds on a monotonic clock, for measuring durations."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (or pretend to)."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class PinnedClock:
    """The real clock, set to read ``start`` now: time then moves on at the real pace.

    For a run "as if it were" another moment (``plangate run --now``, a demo scenario) that
    still really waits when it sleeps. Only the monotonic clock is read after pinning, so the
    wall clock of the machine never shows through.

    Args:
        start: what ``now()`` reads at once (timezone-aware).

    Raises:
        ValueError: ``start`` has no timezone.
    """

    def __init__(self, start: datetime) -> None:
        self.pin(start)

    def pin(self, start: datetime) -> None:
        """Read ``start`` from this instant on (and move on from it)."""
        if start.tzinfo is None:
            raise ValueError(f"a pinned clock needs a timezone-aware time, got {start}")
        self._start = start.astimezone(UTC)
        self._pinned_at = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._pinned_at)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class FakeClock:
    """A clock that moves only when slept on or advanced; sleeping returns at once.

    Attributes:
        sleeps: every duration passed to ``sleep``, in order (handy for asserting backoff).
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        self._mono = 0.0
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float) -> None:
        """Move time forward without sleeping."""
        self._now += timedelta(seconds=seconds)
        self._mono += seconds

    async def sleep(self, seconds: float) -> None:
        seconds = max(0.0, seconds)
        self.sleeps.append(seconds)
        self.advance(seconds)
        # Yield to the loop so concurrent tasks interleave as they would with a real sleep.
        await asyncio.sleep(0)
