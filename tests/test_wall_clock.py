"""``$PLANGATE_TEST_WALLCLOCK`` really moves the wall clock the suite sees (``make test-times``)."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

WALLCLOCK_VAR = "PLANGATE_TEST_WALLCLOCK"


def test_the_suite_runs_at_the_moment_asked_for() -> None:
    text = os.environ.get(WALLCLOCK_VAR)
    if not text:
        pytest.skip(f"${WALLCLOCK_VAR} is not set: the suite runs at the real time")
    moment = datetime.fromisoformat(text)
    # The clock ticks from the moment on at the real pace; the suite has run for a while by now.
    for now in (datetime.now(UTC), datetime.fromtimestamp(time.time(), UTC)):
        assert timedelta(0) <= now - moment < timedelta(hours=2), (now, moment)


def test_moving_the_wall_clock_leaves_the_monotonic_clock_alone() -> None:
    moment = datetime(2027, 6, 16, 14, 0, tzinfo=UTC)
    before = time.monotonic()
    with time_machine.travel(moment, tick=True):
        assert abs(datetime.now(UTC) - moment) < timedelta(seconds=5)
        assert moment.date() == datetime.now(UTC).date()
        time.sleep(0.01)  # a real sleep still returns
    assert 0 < time.monotonic() - before < 60
